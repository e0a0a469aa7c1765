// Fill an empty time-zone field from the browser's own setting; the person can still edit it.
// The page works without this script: the field is then typed in.
for (const field of document.querySelectorAll("input[data-browser-zone]")) {
  if (!field.value) {
    try {
      field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      // an old browser without Intl: the field stays for the person to fill
    }
  }
}
