// Text modules: wrangler (and the test pool) import a `.txt` file as its contents.
declare module '*.txt' {
  const text: string;
  export default text;
}
