// The one script of the hosted pages: it drives a passkey form (`<form data-passkey="create|get">`,
// hidden in the HTML). Where the browser has WebAuthn's JSON helpers it shows the form; on submit it
// posts the form to its `data-options` route for the ceremony's options, calls
// navigator.credentials, puts the answer and the challenge's id in the form's hidden fields and
// submits it. Without script (or WebAuthn) the forms stay hidden and the password path is the page.
// When the options route refuses (an old sign-in, say), the form is submitted as it is, and the
// server's page says why.

export const PASSKEY_SCRIPT = `(() => {
  const P = window.PublicKeyCredential;
  if (!P || !P.parseCreationOptionsFromJSON || !P.parseRequestOptionsFromJSON) return;
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    form.hidden = false;
    const status = form.querySelector('[data-passkey-status]');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (status) status.textContent = '';
      try {
        const answer = await fetch(form.dataset.options, { method: 'POST', body: new FormData(form), credentials: 'same-origin' });
        if (!answer.ok) return form.submit();
        const { challengeId, options } = await answer.json();
        const credential = form.dataset.passkey === 'create'
          ? await navigator.credentials.create({ publicKey: P.parseCreationOptionsFromJSON(options) })
          : await navigator.credentials.get({ publicKey: P.parseRequestOptionsFromJSON(options) });
        form.elements.challenge.value = challengeId;
        form.elements.response.value = JSON.stringify(credential.toJSON());
        form.submit();
      } catch {
        if (status) status.textContent = form.dataset.failed;
      }
    });
  }
})();`;
