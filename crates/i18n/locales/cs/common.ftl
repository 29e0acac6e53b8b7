# Supportweb — čeština (výchozí jazyk) — common

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
