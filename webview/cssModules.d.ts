// Side-effect CSS imports are bundled by esbuild into dist/webview/main.css.
declare module '*.css';
