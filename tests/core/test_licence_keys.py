"""Licence keys in customer text: what is masked, what is left alone, and the key's identity."""

from __future__ import annotations

import hashlib
import string
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.licence_keys import (
    MASK,
    find_licence_keys,
    licence_key_hash,
    licence_key_last4,
    mask_licence_keys,
)

EDD_KEY = "3f1a9c2e4d5b6a7980f1e2d3c4b5a697"

MASKED = [
    # (text, the masked text)
    (
        f"Mijn licentiesleutel is {EDD_KEY}, hij werkt niet meer.",
        "Mijn licentiesleutel is ••••A697, hij werkt niet meer.",
    ),
    (f"My license key: {EDD_KEY.upper()}", "My license key: ••••A697"),
    (f"Hoi, {EDD_KEY} wordt niet geaccepteerd", "Hoi, ••••A697 wordt niet geaccepteerd"),
    ("Hier is de code: AP7F-3K9Q-X2LM-8ZQ4", "Hier is de code: ••••8ZQ4"),
    ("The licence ABCD-1234-EFGH-5678 is not accepted.", "The licence ••••5678 is not accepted."),
    ("Serial 4J8K29-XZQW71-0PLM3N please", "Serial ••••LM3N please"),
    ("activeer met abcd-efgh-1234", "activeer met ••••1234"),
    ("key=MM7F3K9QX2LM8Z", "key=••••LM8Z"),
    ("Licentie: ap-7f3k9qx2lm8z", "Licentie: ••••LM8Z"),
    ("7F3K9QX2LM8ZQ4W1 is mijn licentie", "••••Q4W1 is mijn licentie"),
    ("my licence for AppointPress is: 9QX2LM8Z7F3K", "my licence for AppointPress is: ••••7F3K"),
    (
        "Licentiecode:\n  X7K2-M9Q4-P3W8-L5N6\n\nGroet, Jan",
        "Licentiecode:\n  ••••L5N6\n\nGroet, Jan",
    ),
    (f"(licentie {EDD_KEY})", "(licentie ••••A697)"),
    ("betaald met 4111-1111-1111-1111", "betaald met ••••1111"),
    ("Envato purchase code 1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "Envato purchase code ••••5C6D"),
    (
        f"two keys: {EDD_KEY} and ABCD-1234-EFGH-5678",
        "two keys: ••••A697 and ••••5678",
    ),
]

LEFT_ALONE = [
    "AppointPress 3.4.2 werkt niet sinds de update naar 3.4.1",
    "WordPress 6.4.2, PHP 8.1.27, MySQL 8.0.35-0ubuntu0.22.04.1",
    "order #123456789012, licentie verlopen?",
    "Bestelnummer 2024-00123, mijn licentie is verlopen",
    "Zie ticket NME-1001 over mijn licentie",
    "contact-form-7 and wp-super-cache are active, licence ok",
    "plugin woocommerce-gateway-paypal-express-checkout license",
    f"https://shop.example.com/account/licenses/{EDD_KEY}/",
    f"see www.example.com/?license_key={EDD_KEY}",
    f"/var/www/html/wp-content/plugins/appointpress/cache/{EDD_KEY}.php",
    f"C:\\xampp\\htdocs\\wp-content\\uploads\\{EDD_KEY}.log",
    f"mail me at jan.{EDD_KEY}@example.nl",
    f"cookie wordpress_logged_in_{EDD_KEY} expired",
    "Collation utf8mb4_unicode_520_ci on the key table",
    "the licence ended on 2026-11-26 at 10:00",
    "postcode 1234AB, my licence ends soon",
    "error code 0x80070005 when activating the key",
    "Dear support, my licence key does not work any more.",
    "version 3.4.2-beta1 of the licence manager",
    "jQuery 3.7.1 / React 18.2.0 / licence",
    "a key made of letters only: ABCDEFGHIJKLMNOP",  # documented limitation
    "Uw sleutel ••••A697 is bekend",  # already masked
    # random-looking machine text without a key word: GUIDs, MIME boundaries, DKIM, request ids
    "<X-FID>BA285063-5BCE-11D4-AF8D-0050DAC67E11</X-FID>",
    "Content-Type: multipart/alternative; boundary=001a11c24492f6bebf04e0cbfeec",
    "b=YrnvfiU4Y0yTPJshJO4m7pzWlXOzFCdS23cAwbpMx1V4FLEH3Pp7Ep3XC+mdz8gxRZ",
    "token a1b2c3d4e5f6g7h8i9j0k1l2 went missing",
    "PHP Fatal error:  Uncaught Error: Call to undefined function ap_get_slots() in "
    "/home/site/wp-content/plugins/appointpress/includes/class-ap-slots.php:142",
    "license: GPLv2 or later, License URI: https://www.gnu.org/licenses/gpl-2.0.html",
    "de sleutel voor post-type-list en wp2fa-pro werkt",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_licence_key_looking_tokens_are_masked_with_their_last_four(text: str, masked: str) -> None:
    assert mask_licence_keys(text).text == masked


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_versions_orders_slugs_urls_paths_and_emails_are_left_alone(text: str) -> None:
    result = mask_licence_keys(text)
    assert result.text == text
    assert result.keys == ()


def test_a_key_in_an_email_body_with_quote_and_signature_is_masked_everywhere() -> None:
    body = (
        "Goedemiddag,\n\n"
        "Sinds de update naar AppointPress 3.4.2 krijg ik de melding dat mijn licentie\n"
        f"ongeldig is. Mijn licentiesleutel: {EDD_KEY}\n"
        "Site: https://www.bakkerij-devries.nl (WordPress 6.4.2, PHP 8.1)\n\n"
        "Met vriendelijke groet,\nJan de Vries\nBakkerij de Vries | KvK 12345678\n\n"
        "Op 20-11-2026 schreef support@example.com:\n"
        f"> Uw licentie {EDD_KEY.upper()} is geactiveerd.\n"
    )
    result = mask_licence_keys(body)
    assert EDD_KEY not in result.text.lower()
    assert result.text.count(f"{MASK}A697") == 2
    assert "https://www.bakkerij-devries.nl" in result.text and "KvK 12345678" in result.text
    assert "AppointPress 3.4.2" in result.text and "20-11-2026" in result.text
    assert len(set(result.key_hashes)) == 1  # the same key, in two spellings


def test_found_keys_carry_positions_hash_and_last_four_but_not_the_key() -> None:
    text = f"licentie {EDD_KEY} ok"
    (key,) = find_licence_keys(text)
    assert text[key.start : key.end] == EDD_KEY
    assert key.key_hash == hashlib.sha256(EDD_KEY.upper().encode()).hexdigest()
    assert key.last4 == "A697" and key.mask == "••••A697"
    assert EDD_KEY not in repr(key) and EDD_KEY.upper() not in repr(key)


@pytest.mark.parametrize(
    ("spelling"),
    [EDD_KEY, EDD_KEY.upper(), f"  {EDD_KEY}\n", f"\t{EDD_KEY.upper()} "],
)
def test_the_key_hash_is_of_the_trimmed_upper_cased_key(spelling: str) -> None:
    assert licence_key_hash(spelling) == hashlib.sha256(EDD_KEY.upper().encode()).hexdigest()
    assert licence_key_last4(spelling) == "A697"


HEX = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32).filter(
    lambda key: any(c.isdigit() for c in key) and any(c.isalpha() for c in key)
)
PROSE = st.text(alphabet=string.ascii_letters + " ,.!?\n", max_size=80)


@given(before=PROSE, key=HEX, after=PROSE)
def test_a_pasted_edd_key_never_survives_masking(before: str, key: str, after: str) -> None:
    result = mask_licence_keys(f"{before} {key} {after}")
    assert key not in result.text.lower()
    assert licence_key_hash(key) in result.key_hashes


@given(st.text(max_size=300))
def test_masking_is_idempotent_and_never_grows_a_key_back(text: str) -> None:
    once = mask_licence_keys(text)
    twice = mask_licence_keys(once.text)
    assert twice.text == once.text and twice.keys == ()
    for key in once.keys:
        assert 0 <= key.start < key.end <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 100_000,
        "ab-" * 33_000,
        "a1" * 50_000,
        "/" * 100_000,
        "@" * 100_000,
        "licentie " * 11_000,
        ("licentie " + "a1b2c3d4e5f6 ") * 5_000,
        "=?" * 50_000,
    ],
    ids=["letters", "dashed", "mixed", "slashes", "ats", "key-words", "keys", "junk"],
)
def test_long_pathological_text_is_masked_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    mask_licence_keys(text)
    assert time.perf_counter() - started < 2.0  # a quadratic scan takes minutes here
