# Supportweb — čeština (výchozí jazyk) — validation codes

## Podpora: validation codes
code-title = Validační kódy
code-hint = Licenční a aktivační kódy vydané organizaci. Kód se zobrazí až po stisknutí „Zobrazit kód“ a každé zobrazení se zaznamená do auditu.
code-new = Nový validační kód
code-edit = Upravit validační kód
code-create = Vydat kód
code-detail-title = Validační kód
code-empty = Žádné validační kódy neodpovídají filtru.
code-organisation = Organizace
code-choose-organisation = Vyberte organizaci
code-code = Kód
code-code-keep = Nechte prázdné, pokud se kód nemění.
code-valid-from = Platný od
code-valid-to = Platný do
code-valid-to-hint = Prázdné pole: bez omezení.
code-valid-from-open = od { $date }, bez omezení
code-validity = Platnost
code-status = Stav
code-status-valid = platný
code-status-not-yet-valid = ještě neplatí
code-status-expired = propadlý
code-status-expires-soon = { $days ->
    [0] končí dnes
    [one] končí za { $days } den
    [few] končí za { $days } dny
   *[other] končí za { $days } dní
}
code-note = Poznámka
code-issued-by = Vydal(a)
code-only-expiring = Jen kódy končící do 30 dnů
code-reveal = Zobrazit kód
code-reveal-hint = Zobrazení se zaznamená do auditu.
code-reveal-audited = Zobrazení kódu bylo zaznamenáno do auditu.
code-imported = Importováno kódů: { $count }.
code-error-organisation = Vyberte organizaci.
code-error-code = Zadejte kód (nejvýše 500 znaků).
code-error-valid-from = Zadejte první den platnosti (RRRR-MM-DD nebo D. M. RRRR).
code-error-valid-to = Konec platnosti musí být platné datum nejdříve v den začátku.
code-error-note = Poznámka může mít nejvýše 1 000 znaků.
code-import-title = Import validačních kódů z CSV
code-import-hint = První řádek souboru pojmenuje sloupce: ico;product;module;code;valid_from;valid_to;note (oddělovač středník nebo čárka, kódování UTF-8). Organizaci určuje IČO, produkt jeho kód v katalogu; prázdný modul znamená celý produkt, prázdné valid_to platnost bez omezení. Nejdříve se zkontrolují všechny řádky: je-li některý chybný, neimportuje se nic.
code-import-file = Soubor CSV
code-import-paste = nebo vložte obsah souboru
code-import-submit = Zkontrolovat a importovat
code-import-refused = Nic nebylo importováno: opravte tyto řádky a pošlete soubor znovu.
code-import-line = Řádek
code-import-column = Sloupec
code-import-problem = Problém
code-import-empty = Soubor neobsahuje žádný kód.
code-import-header = První řádek musí pojmenovat sloupce ico;product;module;code;valid_from;valid_to;note.
code-import-columns = Řádek nemá sedm sloupců.
code-import-ico = IČO má osm číslic.
code-import-organisation = Organizace s tímto IČO v portálu není.
code-import-product = Produkt s tímto kódem v katalogu není.
validation_code-field-organisation = Organizace
validation_code-field-product = Produkt
validation_code-field-module = Modul
validation_code-field-valid-from = Platný od
validation_code-field-valid-to = Platný do
validation_code-field-note = Poznámka
validation_code-field-code = Kód
podpora-search = Hledat
