"use strict";
// Swagger UI (templates/api_docs.html) with the project's API or allauth's accounts API, as the
// menu above it says. "Try it out" signs in with the page's session cookie, or with an
// X-Session-Token from allauth's app log-in entered under "Authorize".
const menu = document.getElementById("api-spec");
const { csrfToken } = document.getElementById("swagger-ui").dataset;

const ui = SwaggerUIBundle({
  url: menu.value,
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  // Django's CSRF check applies to requests made with the session cookie.
  requestInterceptor: (request) => {
    if (request.method && request.method !== "GET") {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  },
});

menu.addEventListener("change", () => {
  ui.specActions.updateUrl(menu.value);
  ui.specActions.download(menu.value);
});
