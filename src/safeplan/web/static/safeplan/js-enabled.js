// Marks the page as having JavaScript, as GOV.UK Frontend expects; loaded at
// the top of <body>, before any content, so that nothing flickers.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
