/*
 * developer.js -- the developer page's interactive reference and copy
 * buttons.  Swagger UI (swagger-ui-bundle.js, from the swagger-ui-dist npm
 * package, embedded into the binary at build time) renders the OpenAPI
 * document named by #swagger-ui's data-url; "Try it out" is on, so the
 * prefilled example (a test submission) can be sent at once.  This is a
 * file of its own because the pages' Content-Security-Policy forbids
 * inline script.
 */
'use strict';

(function () {
  function startReference() {
    var node = document.getElementById('swagger-ui');
    if (!node || typeof window.SwaggerUIBundle !== 'function') return;
    window.abusedeskReference = window.SwaggerUIBundle({
      url: node.getAttribute('data-url'),
      domNode: node,
      deepLinking: false,
      tryItOutEnabled: true,
      validatorUrl: null,
      supportedSubmitMethods: ['get', 'post'],
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
      displayRequestDuration: true,
      queryConfigEnabled: false,
    });
  }

  function addCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll('pre.copy').forEach(function (pre) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy-button secondary';
      button.textContent = 'Copy';
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(pre.textContent).then(function () {
          button.textContent = 'Copied';
          setTimeout(function () { button.textContent = 'Copy'; }, 1500);
        }, function () {
          button.textContent = 'Select and copy by hand';
        });
      });
      var wrap = document.createElement('div');
      wrap.className = 'copy-wrap';
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(button);
    });
  }

  function start() {
    addCopyButtons();
    startReference();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
