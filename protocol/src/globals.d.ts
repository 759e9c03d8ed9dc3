// The few runtime globals protocol/ relies on. They exist in every host we target (Node >= 20,
// browsers, VS Code webviews), but "types": [] keeps the rest of Node and the DOM out of reach.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
