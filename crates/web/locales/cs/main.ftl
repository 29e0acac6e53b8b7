# Supportweb — čeština (výchozí jazyk)

## Rozvržení stránky
layout-skip-to-content = Přejít na obsah
layout-agendas = Agendy
layout-language = Jazyk
layout-language-switch = Změnit
layout-logout = Odhlásit
layout-footer = Supportweb — zákaznický portál podpory

## Přihlášení
login-title = Přihlášení
login-intro = Přihlaste se účtem, který vám zřídil dodavatel.
login-name = Přihlašovací jméno
login-password = Heslo
login-submit = Přihlásit
login-no-account = Účet vám zřídí dodavatel; registrace není možná. Pokud přístup nemáte, obraťte se na svého projektového manažera.
login-error-missing = Vyplňte přihlašovací jméno i heslo.
login-error-invalid = Přihlašovací jméno nebo heslo není správné.
login-error-throttled = Příliš mnoho neúspěšných pokusů o přihlášení. Zkuste to znovu { $minutes ->
    [one] za minutu
    [few] za { $minutes } minuty
   *[other] za { $minutes } minut
}.

## Ukázková data
demo-title = Ukázkové účty
demo-intro = Portál běží s ukázkovými daty. Vyzkoušejte kterýkoli z těchto účtů.
demo-login = Přihlašovací jméno
demo-password = Heslo
demo-role = Role
demo-organisation = Organizace

## Úvodní stránka
home-title = Úvod
home-greeting = Dobrý den, { $name }
home-agendas = Vaše agendy
home-account = Můj účet
account-login = Přihlašovací jméno
account-email = E-mail
account-kind = Typ účtu
account-roles = Role
user-kind-staff = Pracovník dodavatele
user-kind-customer = Uživatel zákazníka
count-accounts = { $count ->
    [one] { $count } účet
    [few] { $count } účty
    [many] { $count } účtu
   *[other] { $count } účtů
}

## Role pracovníků
role-administrator = Administrátor
role-project-manager = Projektový manažer
role-consultant = Konzultant
role-technician = Technik
role-developer = Vývojář
role-customer = Uživatel zákazníka
role-partner = Uživatel partnera

## Agendy
agenda-protocols = Komunikační protokoly
agenda-customization-orders = Customizační objednávky
agenda-support-documents = Support dokumenty
agenda-podpora = Podpora

## Chyby
error-status = Stav
error-request-id = Identifikátor požadavku
error-back-home = Zpět na úvodní stránku
error-unauthenticated-title = Nejste přihlášeni
error-unauthenticated-detail = Pro tuto akci se nejprve přihlaste.
error-forbidden-title = Přístup odepřen
error-forbidden-detail = K této akci nemáte oprávnění.
error-cross-origin-title = Požadavek odmítnut
error-cross-origin-detail = Požadavek nepřišel z tohoto portálu, a proto nebyl proveden. Obnovte stránku a zkuste to znovu.
error-not-found-title = Stránka nenalezena
error-not-found-detail = Hledaná stránka nebo záznam neexistuje, nebo k němu nemáte přístup.
error-method-title = Nepodporovaná akce
error-method-detail = Tuto akci nelze na této adrese provést.
error-conflict-title = Záznam se mezitím změnil
error-conflict-detail = Někdo jiný záznam mezitím upravil. Načtěte jej znovu a změnu zopakujte.
error-invalid-title = Neplatné údaje
error-invalid-detail = Některé údaje nejsou vyplněny správně.
error-too-large-title = Soubor je příliš velký
error-too-large-detail = Soubor překračuje povolenou velikost a nebyl uložen.
error-media-type-title = Nepodporovaný formát
error-media-type-detail = Požadavek má nepodporovaný formát dat.
error-range-title = Neplatný rozsah
error-range-detail = Požadovaný rozsah bajtů v souboru neexistuje.
error-unavailable-title = Služba je dočasně nedostupná
error-unavailable-detail = Portál se nemůže spojit s databází. Zkuste to prosím za chvíli.
error-internal-title = Chyba portálu
error-internal-detail = Na straně portálu došlo k chybě. Pokud potíže trvají, sdělte podpoře identifikátor požadavku.
error-bad-request-title = Chybný požadavek
error-bad-request-detail = Požadavek nelze zpracovat.
error-upload-interrupted-detail = Nahrávání souboru bylo přerušeno; nic nebylo uloženo.
error-missing-file-detail = Požadavek neobsahuje soubor (pole „file“).
language-unknown = Tento jazyk portál nepodporuje.

## Moje organizace
nav-my-organisation = Moje organizace
organisation-title = Moje organizace
organisation-address = Adresa
organisation-ico = IČO
organisation-dic = DIČ
organisation-contact = Kontakt
organisation-public-body = Veřejnoprávní subjekt: objednávky mohou podléhat zveřejnění v registru smluv.
support-entitled = Podpora je platná.
support-not-entitled = Organizace nemá platnou smlouvu o poskytování podpory. Historie zůstává k nahlédnutí, nové support dokumenty ale založit nelze. Obraťte se na obchodní tým dodavatele uvedený níže.
support-ends-on = Smlouva o poskytování podpory končí { $date }.
support-days-left = { $days ->
    [one] Zbývá { $days } den.
    [few] Zbývají { $days } dny.
   *[other] Zbývá { $days } dní.
}
contracts-title = Smlouvy o poskytování podpory
contracts-none = Organizace nemá žádnou smlouvu o poskytování podpory.
contract-number = Číslo smlouvy
contract-validity = Platnost
contract-state = Stav
contract-scope = Rozsah
contract-prepaid = Předplacené hodiny
contract-current = aktuální
contract-state-active = platná
contract-state-suspended = pozastavená
contract-state-ended = ukončená
hours = { $hours ->
    [one] { $hours } hodina
    [few] { $hours } hodiny
   *[other] { $hours } hodin
}
team-title = Obchodní tým dodavatele
team-empty = Obchodní tým zatím nebyl určen.
colleagues-title = Kolegové
member-inactive = (neaktivní)
my-rights-title = Moje oprávnění
right-none = bez přístupu
right-read = čtení
right-write = čtení a zápis
flag-approve-orders = schvaluje customizační objednávky
flag-confirm-protocols = potvrzuje komunikační protokoly
flag-see-validation-codes = vidí validační kódy
flag-all-notifications = dostává všechna oznámení organizace
user-kind-partner = Uživatel partnera
home-expiring-title = Končící podpora
home-team-expiring-title = Smlouvy vašich zákazníků končící do 30 dnů
home-not-entitled = { $organisation }: bez platné smlouvy o poskytování podpory.

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

## Audit
nav-audit = Audit
audit-title = Auditní záznam
audit-event = Událost
audit-any = všechny
audit-login = Účet (přihlašovací jméno)
audit-from = Od
audit-to = Do
audit-filter = Filtrovat
audit-when = Čas
audit-actor = Provedl
audit-subject = Týká se
audit-address = Adresa
audit-detail = Podrobnosti
audit-empty = Žádné záznamy.
audit-older = Starší záznamy
audit-error-event = Neznámá událost.
audit-error-login = Účet s tímto přihlašovacím jménem neexistuje.
audit-error-date = Zadejte datum ve tvaru RRRR-MM-DD.
audit-event-sign-in = přihlášení
audit-event-sign-in-failed = neúspěšné přihlášení
audit-event-sign-in-throttled = přihlášení zablokováno (příliš mnoho pokusů)
audit-event-sign-out = odhlášení
audit-event-account-created = založení účtu
audit-event-activation-link-issued = vydán odkaz pro aktivaci
audit-event-account-activated = aktivace účtu
audit-event-account-deactivated = deaktivace účtu
audit-event-account-reactivated = opětovná aktivace účtu
audit-event-password-changed = změna hesla
audit-event-membership-changed = změna oprávnění v organizaci
audit-event-remote-access-changed = změna vzdáleného připojení
audit-event-secret-revealed = zobrazení hesla vzdáleného připojení
audit-event-api-token-created = vytvoření API tokenu
audit-event-api-token-revoked = zneplatnění API tokenu
audit-event-api-token-used = použití API tokenu
audit-event-two-factor-enabled = dvoufázové přihlášení zapnuto
audit-event-two-factor-disabled = dvoufázové přihlášení vypnuto
audit-event-two-factor-reset = dvoufázové přihlášení zrušeno administrátorem
audit-event-recovery-codes-renewed = vydány nové záložní kódy
audit-event-recovery-code-used = přihlášení záložním kódem
audit-event-second-factor-failed = chybný kód dvoufázového přihlášení
audit-event-security-settings-changed = změna nastavení zabezpečení
audit-event-contract-created = smlouva založena
audit-event-contract-changed = smlouva změněna

## Správa organizací
nav-organisations = Organizace
organisations-title = Organizace
organisation-new-title = Nová organizace
organisation-admin-title = Organizace
organisation-details = Údaje
organisation-support-none = bez platné smlouvy
organisation-name = Název
organisation-kind = Druh
organisation-kind-customer = zákazník
organisation-kind-partner = partner
organisation-street = Ulice a číslo
organisation-city = Obec
organisation-postal-code = PSČ
organisation-email = E-mail
organisation-phone = Telefon
organisation-public-body-label = Veřejnoprávní subjekt (objednávky podléhají registru smluv)
organisation-notes = Interní poznámky (jen pro dodavatele)
organisation-create = Založit organizaci
organisation-save = Uložit změny
organisation-error-ico-format = IČO má nejvýše 8 číslic.
organisation-error-ico-checksum = IČO nemá platnou kontrolní číslici.
organisation-error-ico-taken = Organizace s tímto IČO už existuje.
form-error-required = Vyplňte toto pole.
form-error-hours = Zadejte počet hodin (např. 2 nebo 1,5).
organisation-field-name = Název
organisation-field-kind = Druh
organisation-field-ico = IČO
organisation-field-dic = DIČ
organisation-field-street = Ulice a číslo
organisation-field-city = Obec
organisation-field-postal-code = PSČ
organisation-field-email = E-mail
organisation-field-phone = Telefon
organisation-field-is-public-body = Veřejnoprávní subjekt
organisation-field-notes = Interní poznámky
history-title = Historie změn
history-empty = Záznam zatím nebyl změněn.
history-field = Položka
history-old = Původně
history-new = Nově
team-add = Přidat do týmu
team-remove = Odebrat
team-error-user = Zvolte aktivního pracovníka dodavatele.
members-title = Členové
contract-new-title = Nová smlouva
contract-valid-from = Platnost od
contract-valid-to = Platnost do
contract-sla = SLA v pracovních hodinách
contract-response = Reakce (h)
contract-resolution = Vyřešení (h)
contract-create = Přidat smlouvu
contract-error-order = Konec platnosti nesmí předcházet začátku.
contract-error-number-taken = Smlouva s tímto číslem už existuje.
severity-critical = kritická
severity-high = vysoká
severity-medium = střední
severity-low = nízká

## Členství
membership-set-title = Oprávnění v organizaci
membership-set-hint = Uložením se oprávnění v organizaci nastaví nebo změní; platí od dalšího požadavku uživatele.
membership-set = Uložit oprávnění
membership-remove = Ukončit členství
membership-error-staff = Pracovníci dodavatele nejsou členy organizací; jejich oprávnění určují role.
membership-error-one-organisation = Uživatel zákazníka patří k jedné organizaci. Pro více organizací založte účet partnera.

## Vzdálené připojení
remote-title = Vzdálené připojení
remote-none = Žádné vzdálené připojení není zadáno.
remote-method = Způsob
remote-host = Adresa / ID
remote-account = Účet
remote-secret = Heslo
remote-instructions = Postup
remote-changed = Změněno
remote-secret-stored = uloženo (šifrovaně)
remote-secret-none = —
remote-reveal = Zobrazit
remote-reveal-title = Heslo vzdáleného připojení
remote-reveal-audited = Zobrazení hesla bylo zaznamenáno do auditu.
remote-add-title = Přidat nebo nahradit připojení
remote-replace = Položka
remote-new-entry = nové připojení
remote-secret-hint = Heslo se uloží šifrovaně a zpětně jej uvidí jen oprávnění pracovníci dodavatele. Necháte-li pole prázdné u nahrazované položky, heslo zůstane beze změny.
remote-save = Uložit připojení
remote-method-vpn = VPN
remote-method-rdp = Vzdálená plocha (RDP)
remote-method-remote-desktop-tool = Nástroj pro vzdálenou plochu
remote-method-ssh = SSH
remote-method-other = Jiný

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

## Katalog produktů, instalační karta, úpravy smluv
nav-products = Produkty
products-title = Katalog produktů
products-intro = Produkty s moduly a verzemi. Vybírají se z nich instalační karty a smlouvy.
products-empty = Katalog je prázdný.
product-title = Produkt
product-new-title = Nový produkt
product-code = Kód
product-name = Název
product-versions = Verze
product-versions-hint = Každou na samostatný řádek, nejnovější první.
product-modules = Moduly
product-modules-hint = Každý na samostatný řádek.
product-active = Nabízet pro nové instalace a smlouvy
product-inactive = již se nenabízí
product-error-code = Zadejte kód z písmen, číslic, - nebo _ (nejvýše 30 znaků).
product-error-code-taken = Tento kód má jiný produkt.
product-error-versions = Zadejte alespoň jednu verzi.
product-error-line = Řádek smí mít nejvýše 100 znaků.
product-field-code = Kód
product-field-name = Název
product-field-modules = Moduly
product-field-versions = Verze
product-field-is-active = Nabízí se
form-save = Uložit
installations-title = Instalační karta
installations-none = Není zapsána žádná instalace.
installation-title = Instalace
installation-new-title = Přidat instalaci
installation-choose-product = Který produkt?
installation-no-products = Katalog produktů zatím nemá žádný nabízený produkt.
installation-product = Produkt
installation-label = Instalace
installation-label-hint = O kterou instalaci jde, např. Produkce, Test nebo pracoviště.
installation-version = Verze
installation-modules = Moduly
installation-notes = Poznámky
installation-remove = Odebrat z instalační karty
installation-error-product = Vyberte produkt z katalogu.
installation-error-version = Vyberte některou z verzí produktu.
installation-error-modules = Vyberte jen moduly tohoto produktu.
installation-field-product = Produkt
installation-field-label = Instalace
installation-field-product-version = Verze
installation-field-modules = Moduly
installation-field-notes = Poznámky
organisation-field-installation = Instalační karta
contract-title = Smlouva
contract-products = Pokryté produkty
contract-products-none = Katalog produktů je prázdný.
contract-error-product = Vyberte produkty z katalogu.
contract-field-number = Číslo
contract-field-valid-from = Platnost od
contract-field-valid-to = Platnost do
contract-field-state = Stav
contract-field-products = Pokryté produkty
contract-field-covered-scope = Poznámky k rozsahu
contract-field-prepaid-minutes = Předplacené minuty
contract-field-sla-critical = SLA kritická (reakce / vyřešení)
contract-field-sla-high = SLA vysoká (reakce / vyřešení)
contract-field-sla-medium = SLA střední (reakce / vyřešení)
contract-field-sla-low = SLA nízká (reakce / vyřešení)
error-invalid-json-detail = Tělo požadavku není JSON, který tato operace očekává; viz dokument OpenAPI.
account-field-active = Aktivní
account-field-membership = Členství a práva
organisation-field-account-team = Obchodní tým
organisation-field-remote-access = Vzdálené připojení
