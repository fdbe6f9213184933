// /api/docs: the API reference, rendered by the vendored Redoc from the server's OpenAPI document.
(function () {
  var el = document.getElementById('redoc');
  if (!window.Redoc || !el) return;
  window.Redoc.init('/api/v1/openapi.json', {
    expandResponses: '200,201',
    jsonSampleExpandLevel: 2,
    hideDownloadButton: false,
    nativeScrollbars: true,
    pathInMiddlePanel: true,
    theme: { colors: { primary: { main: '#0b57d0' } }, typography: { fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", sans-serif', headings: { fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", sans-serif' } } }
  }, el, function (err) {
    if (err) el.textContent = '接口文档加载失败 / The API reference could not be loaded: ' + err;
  });
})();
