"""Deleting the plugin removes what it stored (WordPress.org's rule), through WordPress's own
``uninstall_plugin()``, which runs ``uninstall.php``; nothing else on the site is touched."""

from __future__ import annotations

import pytest

from tests.wordpress.conftest import CONNECTOR
from tests.wordpress.site import WordPressSite, php_tag

pytestmark = pytest.mark.wordpress

STORED = """
update_option('supportbot_connector_settings', array('url' => 'https://support.example.com'));
$post = wp_insert_post(
    array('post_title' => 'Docs', 'post_status' => 'publish', 'post_type' => 'page')
);
update_post_meta($post, '_supportbot_connector_product', 'polder');
update_post_meta($post, 'someone_elses_meta', 'kept');
set_transient('supportbot_connector_check_abc', array('state' => 'ok', 'detail' => ''), 600);
set_transient('another_plugins_cache', 'kept', 600);
return $post;
"""


def test_uninstalling_removes_the_connectors_data_only(wordpress: WordPressSite) -> None:
    post = wordpress.php(STORED)
    try:
        wordpress.php(f"uninstall_plugin({php_tag(CONNECTOR)}); return 1;")
        left = wordpress.php(
            "return array("
            "get_option('supportbot_connector_settings', 'gone'), "
            f"get_post_meta({post}, '_supportbot_connector_product', true), "
            f"get_post_meta({post}, 'someone_elses_meta', true), "
            "get_transient('supportbot_connector_check_abc'), "
            "get_transient('another_plugins_cache'));"
        )
        assert left == ["gone", "", "kept", False, "kept"]
    finally:
        wordpress.php(
            f"wp_delete_post({post}, true); delete_transient('another_plugins_cache'); return 1;"
        )
