// Progressive enhancement of a background task's page: every two seconds,
// fetch the page again and update the status and row count in place (announced
// politely to screen readers); once the job has finished, the server redirects
// the fetch to the batch, and the browser follows. Without JavaScript the
// Refresh button does the same by hand.
const status = document.getElementById("job-status");
if (status && ["Queued", "Running"].includes(status.textContent.trim())) {
  const poll = async () => {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (response.redirected) {
      window.location.assign(response.url);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["job-status", "job-rows"]) {
      const fresh = page.getElementById(id);
      const shown = document.getElementById(id);
      if (fresh && shown) shown.textContent = fresh.textContent;
    }
    if (["Queued", "Running"].includes(status.textContent.trim())) {
      window.setTimeout(poll, 2000);
    } else {
      window.location.reload();
    }
  };
  window.setTimeout(poll, 2000);
}
