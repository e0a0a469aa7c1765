"""QR codes for the feed and check-in addresses: a reportlab drawing for the handout, SVG for the
portal (served as an image, so the page's Content-Security-Policy stays as it is)."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def qr_drawing(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def qr_svg(url: str, size: float = 200) -> bytes:
    from reportlab.graphics import renderSVG

    svg: str = renderSVG.drawToString(qr_drawing(url, size))
    return svg.encode("utf-8")
