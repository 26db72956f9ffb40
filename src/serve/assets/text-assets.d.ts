// Files imported as text (`with { type: 'text' }`, see page-assets.ts).
declare module '*.html' {
  const text: string;
  export default text;
}
declare module '*.css' {
  const text: string;
  export default text;
}
declare module '*/assets/page.js' {
  const text: string;
  export default text;
}
