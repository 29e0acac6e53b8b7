# Supportweb — čeština (výchozí jazyk) — accounts

## Správa účtů
nav-accounts = Účty
accounts-title = Účty
account-title = Účet
account-name = Jméno
account-detail = Role nebo organizace
account-state = Stav
account-state-active = aktivní
account-state-waiting = čeká na aktivaci
account-state-inactive = deaktivovaný
account-new-title = Nový účet
account-staff-roles = Role pracovníka dodavatele
account-membership = Členství v organizaci (zákazník a partner)
account-organisation = Organizace
account-new-hint = Uživatel dostane odkaz pro aktivaci platný 72 hodin a zvolí si heslo sám.
account-create = Založit účet
account-created-title = Účet založen
account-link-hint = Předejte uživateli tento odkaz. Platí 72 hodin a lze jej použít jen jednou; uživatel si přes něj zvolí heslo.
account-deactivate = Deaktivovat (ukončí všechna přihlášení)
account-reactivate = Znovu aktivovat
account-new-link = Nový odkaz pro aktivaci
account-error-kind = Zvolte typ účtu.
account-error-staff-admin-only = Účty pracovníků dodavatele zakládá jen administrátor.
account-error-login = Přihlašovací jméno má 3 až 64 znaků: písmena a–z, číslice a . _ - @.
account-error-login-taken = Toto přihlašovací jméno už existuje.
account-error-name = Vyplňte jméno (nejvýše 200 znaků).
account-error-email = Zadejte platnou e-mailovou adresu.
account-error-roles = Pracovník dodavatele musí mít alespoň jednu roli.
account-error-organisation = Zvolte organizaci, jejímž členem uživatel bude.
form-has-errors = Formulář obsahuje chyby; jsou vyznačeny u jednotlivých polí.
list-next-page = Další stránka
login-activated = Heslo je nastaveno. Nyní se přihlaste.
activate-title = Aktivace účtu
activate-intro = Dobrý den, { $name }. Zvolte si heslo ke svému účtu
activate-password = Nové heslo
activate-password-again = Nové heslo znovu
activate-rules = Heslo má alespoň 10 znaků.
activate-submit = Nastavit heslo
activate-invalid = Odkaz pro aktivaci není platný: vypršel, už byl použit, nebo neexistuje. Požádejte dodavatele o nový.
activate-error-short = Heslo musí mít alespoň 10 znaků.
activate-error-long = Heslo může mít nejvýše 1024 znaků.
activate-error-mismatch = Hesla se neshodují.

## Změna hesla
password-title = Změnit heslo
password-current = Současné heslo
password-hint = Po změně hesla skončí všechna ostatní přihlášení tohoto účtu (na jiných zařízeních).
password-submit = Změnit heslo
password-changed = Heslo je změněno. Ostatní přihlášení byla ukončena.
password-error-current = Současné heslo není správné.

## API tokeny
tokens-title = API tokeny
tokens-intro = Osobní tokeny pro JSON API (/api/v1). Token jedná vaším jménem a vidí přesně to, co vy; posílá se v hlavičce „Authorization: Bearer …“.
tokens-none = Nemáte žádný token.
token-created = Token je vytvořen. Zkopírujte si jej nyní — znovu už zobrazit nepůjde.
token-name = Název
token-scope = Oprávnění
token-scope-read = jen čtení
token-scope-read-write = čtení a zápis
token-created-at = Vytvořen
token-expires = Platí do
token-last-used = Naposledy použit
token-never-used = nikdy
token-state-active = platný
token-state-expired = vypršel
token-state-revoked = zneplatněn
token-revoke = Zneplatnit
token-new = Nový token
token-days = Platnost (dní, 1–365)
token-create = Vytvořit token
token-error-name = Vyplňte název (nejvýše 100 znaků).
token-error-days = Zadejte počet dní od 1 do 365.

## Dvoufázové přihlášení
two-factor-title = Dvoufázové přihlášení
two-factor-intro = S dvoufázovým přihlášením je kromě hesla potřeba i šestimístný kód z ověřovací aplikace v telefonu (například FreeOTP, Aegis, Google nebo Microsoft Authenticator).
two-factor-required-staff = Administrátoři vyžadují dvoufázové přihlášení u všech pracovníků dodavatele: pro pokračování jej nastavte. Vypnout jej nelze.
two-factor-disabled = Dvoufázové přihlášení je vypnuto.
two-factor-state-off = Dvoufázové přihlášení je vypnuto.
two-factor-state-on = Dvoufázové přihlášení je zapnuto.
two-factor-setup = Nastavit dvoufázové přihlášení
two-factor-step-scan = Naskenujte QR kód ověřovací aplikací, nebo do ní opište klíč níže.
two-factor-step-confirm = Zadejte šestimístný kód, který aplikace ukazuje, a ověřte tak, že funguje.
two-factor-secret = Klíč k opsání:
two-factor-code = Kód z ověřovací aplikace
two-factor-confirm = Zapnout
two-factor-error-code = Kód nesouhlasí. Zkontrolujte, že telefon má správný čas, a zadejte právě zobrazený kód.
two-factor-recovery-left = { $count ->
    [one] Zbývá vám { $count } nepoužitý záložní kód.
    [few] Zbývají vám { $count } nepoužité záložní kódy.
   *[other] Zbývá vám { $count } nepoužitých záložních kódů.
}
two-factor-renew-title = Nové záložní kódy
two-factor-renew = Vydat nové záložní kódy
two-factor-disable-title = Vypnutí
two-factor-disable = Vypnout dvoufázové přihlášení
two-factor-codes-title = Záložní kódy
two-factor-codes-once = Uložte si tyto kódy na bezpečné místo mimo telefon. Každý vás jednou přihlásí, pokud ověřovací aplikaci ztratíte. Zobrazují se jen teď.
two-factor-codes-done = Kódy mám uložené
two-factor-login-title = Potvrzení přihlášení
two-factor-login-intro = Váš účet používá dvoufázové přihlášení.
two-factor-login-code = Kód z ověřovací aplikace nebo záložní kód
two-factor-login-lost = Ztratili jste telefon i záložní kódy? Požádejte administrátora dodavatele o zrušení dvoufázového přihlášení u vašeho účtu.
two-factor-required-api = Administrátoři vyžadují dvoufázové přihlášení u pracovníků dodavatele. Nejprve jej nastavte v portálu.
nav-two-factor = Dvoufázové přihlášení
account-two-factor = Dvoufázové přihlášení
account-two-factor-on = zapnuto
account-two-factor-off = vypnuto
account-two-factor-reset = Zrušit dvoufázové přihlášení
account-two-factor-was-reset = Dvoufázové přihlášení bylo zrušeno. Uživatel se přihlásí jen heslem a může si jej nastavit znovu.
security-title = Nastavení zabezpečení
security-intro = Nastavení platná pro celý portál.
security-require-staff = Vyžadovat dvoufázové přihlášení u všech pracovníků dodavatele
security-require-staff-hint = Pracovník bez dvoufázového přihlášení může do jeho nastavení dělat jen to; jeho API tokeny do té doby nefungují.
security-save = Uložit
security-saved = Nastavení uloženo.
nav-security = Zabezpečení
