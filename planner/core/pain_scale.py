"""The bands of the 0-10 pain scale that every pain rule, and every sentence about pain, quotes.

Sources: Silbernagel et al., Am J Sports Med 2007 (pain-monitoring model: 0-2 safe, up to 5
acceptable); physiotherapy clinic pain traffic lights (0-3 green, 4-5 amber, 6-10 red; second-hand,
unverified). The operating thresholds are configurable defaults, not verified cut-offs.
"""

from __future__ import annotations

SAFE_PAIN = 3  # 0-3: safe, carry on
ACCEPTABLE_PAIN = 5  # 4-5: acceptable if it settles by the next morning; above 5: too much
