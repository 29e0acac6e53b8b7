# Supportweb — English — notifications

## E-mail notifications
mail-subject-document-created = New support document: { $subject }
mail-subject-document-reply = New reply: { $subject }
mail-subject-document-note = Internal note: { $subject }
mail-subject-document-state = State changed: { $subject }
mail-subject-sla-breach = SLA deadline missed: { $subject }
mail-intro-document-created = { $name } opened a new support document.
mail-intro-document-reply = { $name } replied:
mail-intro-document-note = { $name } added an internal note (the customer does not see it):
mail-intro-document-state = { $name } changed the state:
mail-intro-sla-breach = The support document missed its SLA deadline: { $deadline }.
mail-the-portal = The portal
mail-open = Open the document: { $url }
mail-footer = This message was sent by the Supportweb portal. Choose which notifications you receive at { $url }
notify-title = E-mail notifications
notify-intro = Choose what the portal e-mails you about. Only documents you may see are included.
notify-kind-document-created = A new support document (account team, or an organisation whose notifications you receive)
notify-kind-document-reply = A public reply on a document you opened or watch
notify-kind-document-note = An internal note (vendor staff only)
notify-kind-document-state = A state change of a document you opened or watch
notify-kind-sla-breach = A missed SLA deadline (account team and assignee)
notify-save = Save
notify-saved = Your notification settings are saved.
notify-error-kind = This kind of notification cannot be set.
