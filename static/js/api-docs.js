/* /api/docs: Swagger UI drawing the service's own OpenAPI document. */
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  window.SwaggerUIBundle({
    url: root.dataset.document,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    validatorUrl: null  // never ask swagger.io to validate the document
  });
})();
