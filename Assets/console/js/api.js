// The hub's API with the session cookie; a 401 anywhere sends the page back to its login form.
let onLoggedOut = () => {};
export function whenLoggedOut(f) { onLoggedOut = f; }

export async function api(path, options) {
  const r = await fetch(path, Object.assign({credentials: "same-origin"}, options || {}));
  if (r.status === 401) { onLoggedOut(); throw new Error("logged out"); }
  return r;
}
export async function json(path) {
  const r = await api(path);
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.json();
}
export async function post(path, body) {
  return api(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body ?? {})});
}
