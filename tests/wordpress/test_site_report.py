"""The connector's Site Health report from the real test site, read by Supportbot's own parser
and engine: what the bot needs from it arrives intact, also when other plugins flood the debug
data. And the licence identity the plugin computes is the one Supportbot stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.knowledge.site_health import parse_site_health
from bot.core.licence_keys import licence_key_hash, licence_key_last4
from tests.wordpress.conftest import PRODUCT_VERSION
from tests.wordpress.site import WordPressSite, php_tag

pytestmark = pytest.mark.wordpress

REPORT = "return Supportbot_Connector_Site_Report::for_this_site();"
FLOOD = """
add_filter('debug_information', function ($info) {
    $fields = array();
    for ($i = 0; $i < 5000; $i++) {
        $fields["cache_entry_$i"] = array('value' => str_repeat('x', 80));
    }
    $info['some-cache-plugin'] = array('label' => 'Cache', 'fields' => $fields);
    $info['wp-server']['fields']['odd'] = array('value' => new stdClass());
    return $info;
});
"""


def test_supportbot_reads_the_plugins_report(wordpress: WordPressSite) -> None:
    site = wordpress.php("return array(get_bloginfo('version'), PHP_VERSION);")
    report = parse_site_health(wordpress.php(REPORT))
    assert report is not None
    assert (report.wp_version, report.php_version) == (site[0], site[1])
    assert report.active_theme is not None
    assert (report.active_theme.slug, report.active_theme.version) == ("twentytwentythree", "1.0")
    active = {plugin.name: plugin.version for plugin in report.active_plugins}
    assert active["AppointPress"] == PRODUCT_VERSION
    assert "Supportbot Connector" in active and "Akismet Anti-Spam" in active
    assert report.database is not None and report.database.type == "MariaDB"
    assert not report.truncated


def test_a_flooded_report_still_tells_the_bot_what_it_needs(
    wordpress: WordPressSite, engine: Engine
) -> None:
    text = wordpress.php(FLOOD + REPORT)
    assert len(text) <= 20000
    report = parse_site_health(text)
    assert report is not None and report.wp_version and report.php_version
    assert "some-cache-plugin" not in report.sections
    state = engine.new_state("en", "widget", None, "appointpress")
    turn = engine.handle(state, text, datetime.now(UTC))
    assert turn.route == "update_required"
    assert f"AppointPress {PRODUCT_VERSION}" in turn.messages[0].text


@pytest.mark.parametrize(
    "key", ["AP-7F3K-92XQ-LM4T", "  ap-7f3k-92xq-lm4t\n", "3f1a9c2e4d5b6a7980f1e2d3c4b5a697"]
)
def test_the_licence_identity_matches_supportbots(wordpress: WordPressSite, key: str) -> None:
    identity = wordpress.php(f"return Supportbot_Connector_Licence::identity({php_tag(key)});")
    assert identity == {"hash": licence_key_hash(key), "last4": licence_key_last4(key)}
