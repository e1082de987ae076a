// Render TeX with KaTeX at build time: reads a JSON list of {tex, display} on stdin, writes a JSON list of
// {html} or {error} on stdout. Run by tools/site/site_markdown.py with build/site-tools/node_modules on NODE_PATH.
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const items = JSON.parse(input);
  const results = items.map(({ tex, display }) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "ignore",
                                                 output: "htmlAndMathml" }) };
    } catch (err) {
      return { error: String(err.message || err) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
