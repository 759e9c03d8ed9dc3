// Timers exist in every host the connector runs in (Node, browsers, VS Code webviews); "types": []
// keeps their Node and DOM typings out of protocol/, so declare just what the connector uses.
type TimerHandle = { readonly __timer: unique symbol };
declare function setTimeout(handler: () => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined | null): void;
declare function setInterval(handler: () => void, ms?: number): TimerHandle;
declare function clearInterval(handle: TimerHandle | undefined | null): void;
