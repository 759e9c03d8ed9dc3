// Copying text: the async Clipboard API where the page may use it (https, localhost, VS Code's
// webview), else a hidden textarea and execCommand('copy') (a browser tab on plain http).

export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      console.warn(`clipboard write refused (${String(err)}); trying the fallback`);
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'copy-scratch';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}
