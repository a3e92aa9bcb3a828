"""Support-desk words that mean the same thing, across Dutch and English spellings.

General vocabulary of software support (licences, invoices, updates, e-mail ...), not the
wording of one FAQ. Each group maps every variant to one concept term, so "factuur", "invoice"
and "facturen" all count as the same term in retrieval. Variants are folded words; the analyser
also maps their stems, so inflected forms need not be listed.
"""

from __future__ import annotations

import re

# concept: variants (Dutch and English, folded). Keep groups narrow: a too-broad group makes
# unrelated questions look alike.
GROUPS: dict[str, tuple[str, ...]] = {
    "email": ("email", "emails", "mail", "mails", "mailtje", "mailen", "mailbericht", "e-mail"),
    "licence": (
        "licentie", "licenties", "licence", "licences", "license", "licenses", "licentiecode",
        "licentiesleutel", "licencekey", "licensekey", "serial", "serienummer", "productkey",
        "activatiecode", "activatiesleutel",
    ),
    "invoice": ("factuur", "facturen", "invoice", "invoices", "kwitantie", "receipt", "bon"),
    "update": (
        "update", "updates", "updaten", "geupdate", "geupdatet", "upgrade", "upgraden",
        "bijwerken", "bijgewerkt", "updating", "upgrading",
    ),
    "install": ("installeren", "installatie", "geinstalleerd", "install", "installation",
                "installing", "installed"),
    "uninstall": ("deinstalleren", "uninstall", "verwijderen", "verwijder", "verwijderd",
                  "remove", "removing", "delete", "deleting", "wissen"),
    "refund": ("refund", "refunds", "terugbetaling", "terugbetalen", "restitutie",
               "terugstorten", "moneyback"),
    "payment": ("betaling", "betalingen", "betalen", "betaald", "payment", "payments", "pay",
                "paid", "paying", "afschrijving", "incasso"),
    "price": ("prijs", "prijzen", "kosten", "kost", "tarief", "tarieven", "price", "prices",
              "pricing", "cost", "costs"),
    "cancel": ("opzeggen", "opzegging", "annuleren", "annulering", "stopzetten", "beeindigen",
               "cancel", "cancelling", "canceling", "cancellation", "unsubscribe"),
    "subscription": ("abonnement", "abonnementen", "subscription", "subscriptions",
                     "lidmaatschap", "membership"),
    "login": ("inloggen", "ingelogd", "login", "logon", "aanmelden", "signin", "logged"),
    "password": ("wachtwoord", "wachtwoorden", "password", "passwords", "paswoord", "passwd"),
    "error": ("fout", "fouten", "foutmelding", "foutmeldingen", "error", "errors",
              "foutcode", "exception"),
    "bug": ("bug", "bugs", "defect", "bugreport", "bugmelding"),
    "broken": ("kapot", "stuk", "broken", "crash", "crashes", "crashed", "vastgelopen",
               "vastlopen"),
    "website": ("website", "websites", "site", "sites", "webshop", "webwinkel", "webpage"),
    "settings": ("instellingen", "instelling", "instellen", "settings", "setting",
                 "configuratie", "configureren", "configuration", "configure", "config"),
    "download": ("download", "downloaden", "gedownload", "downloading", "downloaded"),
    "helpdesk": ("helpdesk", "support", "ondersteuning", "klantenservice", "servicedesk",
                 "supportdesk", "klantendienst"),
    "phone": ("telefoon", "telefonisch", "bellen", "phone", "telephone", "call", "calling"),
    "chat": ("chat", "chatten", "livechat", "chatting"),
    "customise": ("maatwerk", "aanpassing", "aanpassingen", "aanpassen", "customisation",
                  "customization", "customise", "customize", "customizing", "modification",
                  "modify", "maatwerkoplossing"),
    "translate": ("vertaling", "vertalingen", "vertalen", "translate", "translation",
                  "translations", "translating"),
    "theme": ("thema", "themas", "theme", "themes"),
    "plugin": ("plugin", "plugins", "plug-in", "extensie", "extension", "extensions", "addon",
               "addons", "add-on"),
    "slow": ("traag", "langzaam", "slow", "sluggish", "trager", "slower"),
    "version": ("versie", "versies", "version", "versions", "release", "releases"),
    "send": ("versturen", "verzenden", "verstuurd", "verzonden", "sturen", "send", "sending",
             "sent"),
    "latest": ("nieuwste", "laatste", "recentste", "latest", "newest", "recent"),
    "renew": ("verlengen", "verlenging", "renew", "renewal", "renewing", "extend"),
    "expired": ("verlopen", "vervallen", "expired", "expire", "expires", "expiry",
                "expiration"),
    "deactivate": ("deactiveren", "gedeactiveerd", "uitschakelen", "uitgeschakeld", "uitzetten",
                   "deactivate", "deactivated", "disable", "disabled"),
    "activate": ("activeren", "geactiveerd", "activatie", "inschakelen", "ingeschakeld",
                 "aanzetten", "activate", "activated", "activation", "enable", "enabled"),
    "domain": ("domein", "domeinen", "domeinnaam", "domain", "domains", "domainname"),
    "migrate": ("verhuizen", "verhuizing", "migreren", "migratie", "overzetten", "migrate",
                "migration", "transfer", "transferring"),
    "warranty": ("garantie", "guarantee", "warranty"),
    "free": ("gratis", "kosteloos", "free"),
    "discount": ("korting", "kortingscode", "kortingen", "discount", "discounts", "coupon",
                 "couponcode", "voucher"),
    "documentation": ("documentatie", "handleiding", "handleidingen", "docs", "documentation",
                      "manual", "instructies", "instructions", "tutorial", "uitleg", "guide"),
    "compatible": ("compatibel", "compatible", "compatibiliteit", "compatibility"),
    "requirements": ("vereisten", "systeemeisen", "eisen", "requirements", "requirement",
                     "prerequisites"),
    "order": ("bestelling", "bestellingen", "bestellen", "besteld", "order", "orders",
              "ordered", "purchase", "purchased", "aankoop", "gekocht", "kopen", "buy",
              "bought", "aanschaffen"),
    "notification": ("notificatie", "notificaties", "melding", "meldingen", "notification",
                     "notifications", "notify"),
    "reminder": ("herinnering", "herinneringen", "reminder", "reminders"),
    "newsletter": ("nieuwsbrief", "nieuwsbrieven", "newsletter", "newsletters"),
    "form": ("formulier", "formulieren", "form", "forms"),
    "image": ("afbeelding", "afbeeldingen", "plaatje", "plaatjes", "foto", "fotos", "image",
              "images", "picture", "pictures", "photo", "photos"),
    "page": ("pagina", "paginas", "page", "pages", "webpagina"),
    "button": ("knop", "knoppen", "button", "buttons"),
    "security": ("beveiliging", "beveiligd", "security", "secure", "veiligheid"),
    "data": ("gegevens", "data", "persoonsgegevens"),
    "user": ("gebruiker", "gebruikers", "user", "users"),
    "admin": ("beheerder", "beheerders", "administrator", "admin", "beheer"),
    "question": ("vraag", "vragen", "question", "questions"),
    "reply": ("antwoord", "antwoorden", "reactie", "reacties", "reageren", "reply", "replies",
              "response", "respond", "answer", "answers", "beantwoord", "beantwoorden"),
    "account": ("account", "accounts", "profiel", "profile", "klantaccount"),
    "dutch": ("nederlands", "nederlandse", "dutch"),
    "english": ("engels", "engelse", "english"),
    "multiple": ("meerdere", "verschillende", "multiple", "several"),
    "contact": ("contact", "contacteren", "bereiken", "bereikbaar", "reach", "contacting"),
    "help": ("help", "helpen", "hulp", "assistance", "assist"),
    "change": ("wijzigen", "wijziging", "veranderen", "verandering", "change", "changes",
               "changing", "edit", "bewerken"),
    "missing": ("ontbreekt", "ontbreken", "missing", "kwijt", "lost", "vermist"),
    "receive": ("ontvangen", "ontvang", "binnengekomen", "receive", "received", "receiving",
                "arrive", "arrived"),
    "forum": ("forum", "forums", "community"),
    "hour": ("uur", "uren", "hour", "hours"),
    "day": ("dagen", "day", "days", "werkdag", "werkdagen"),
    "time": ("tijd", "time", "termijn", "duur", "duurt", "lang", "long"),
    "company": ("bedrijf", "company", "firma", "organisatie", "organization"),
    "weekend": ("weekend", "weekends", "zaterdag", "zondag", "saturday", "sunday"),
    "speed": ("snelheid", "speed", "performance", "prestaties"),
    "cache": ("cache", "caching", "buffer"),
    "test": ("test", "testen", "testing", "proberen", "try"),
}  # fmt: skip

# Multi-word spellings rewritten to one word before tokenising (folded text, word-bounded).
PHRASES: dict[str, str] = {
    "e mail": "email",
    "log in": "login",
    "log on": "logon",
    "sign in": "signin",
    "money back": "moneyback",
    "geld terug": "moneyback",
    "plug in": "plugin",
    "add on": "addon",
    "live chat": "livechat",
    "domain name": "domainname",
    "licence key": "licencekey",
    "license key": "licensekey",
    "product key": "productkey",
    "serial number": "serial",
    "cannot": "can not",
}

_PHRASE_PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in PHRASES) + r")\b")


def join_phrases(folded: str) -> str:
    """Rewrite the multi-word spellings in PHRASES (``log in`` → ``login``)."""
    return _PHRASE_PATTERN.sub(lambda m: PHRASES[m.group(1)], folded)


def variant_index() -> dict[str, str]:
    """Every variant (folded) → its concept."""
    return {variant: concept for concept, variants in GROUPS.items() for variant in variants}
