"""Hand-checked facts about the real readme.txt files in ``shared/realworld/wp/readmes/``.

Each row was read off the file itself (header block, ``= Question =`` lines in the FAQ section,
first version heading in the changelog), not produced by the parser. Notes on the odd ones:
``redirection`` and ``wporg-example`` start with the placeholder ``=== Plugin Name ===`` followed
by a header line, so wordpress.org finds no name; ``contact-form-7`` and ``wordpress-seo`` have
only free text in their FAQ section; ``contact-form-7`` and ``wp-super-cache`` list an
unreleased version above the Stable tag; ``query-monitor`` and the Astra readme have no
changelog, and Twenty Twenty-Five's is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.shared_data import shared_path


def readmes_dir() -> Path:
    """The real readmes, or a skip when the shared data is not on this machine."""
    folder = shared_path("realworld", "wp", "readmes")
    return folder


@dataclass(frozen=True)
class RealReadme:
    file: str
    slug: str
    name: str | None
    stable_tag: str | None
    requires_wp: str | None
    requires_php: str | None
    tested_up_to: str | None
    faq_count: int
    first_changelog_version: str | None

    @property
    def product_name(self) -> str:
        """The name `kb check` shows: the readme's, else one made from the folder name."""
        return self.name or self.slug.replace("-", " ").title()


REAL_READMES = (
    RealReadme(
        "akismet-2015-readme.txt", "akismet", "Akismet", "3.1.5", "3.2", None, "4.3.1", 0, "3.1.5"
    ),
    RealReadme(
        "awesome-support-readme.txt",
        "awesome-support",
        "Awesome Support - WordPress HelpDesk & Support Plugin",
        "6.3.0",
        "4.0",
        None,
        "6.6",
        10,
        "6.3.0",
    ),
    RealReadme(
        "classic-editor-readme.txt",
        "classic-editor",
        "Classic Editor",
        "1.6.3",
        "4.9",
        "5.2.4",
        "6.5",
        4,
        "1.6.3",
    ),
    RealReadme(
        "contact-form-7-readme.txt",
        "contact-form-7",
        "Contact Form 7",
        "6.0.2",
        "6.6",
        "7.4",
        "6.7",
        0,
        "6.0.3",
    ),
    RealReadme(
        "easy-digital-downloads-readme.txt",
        "easy-digital-downloads",
        "Easy Digital Downloads – eCommerce Payments and Subscriptions made easy",
        "3.6.5",
        "6.2",
        "7.4",
        "6.9",
        14,
        "3.6.5",
    ),
    RealReadme(
        "elasticpress-readme.txt",
        "elasticpress",
        "ElasticPress",
        "5.0.2",
        None,
        None,
        "6.4",
        7,
        "5.0.2",
    ),
    RealReadme(
        "fluent-support-readme.txt",
        "fluent-support",
        "Fluent Support - Helpdesk & Customer Support Ticket System",
        "2.0.1",
        "5.6",
        "7.4",
        "6.9",
        6,
        "2.0.1",
    ),
    RealReadme(
        "health-check-readme.txt",
        "health-check",
        "Health Check & Troubleshooting",
        "1.7.0",
        "4.4",
        "5.6",
        "6.3",
        3,
        "1.7.0",
    ),
    RealReadme(
        "jetpack-2015-readme.txt",
        "jetpack",
        "Jetpack by WordPress.com",
        "3.6.1",
        "4.1.1",
        None,
        "4.2.3",
        3,
        "3.6.1",
    ),
    RealReadme(
        "query-monitor-readme.txt",
        "query-monitor",
        "Query Monitor - The developer tools panel for WordPress",
        "3.17.0",
        None,
        None,
        "6.7",
        10,
        None,
    ),
    RealReadme(
        "really-simple-ssl-readme.txt",
        "really-simple-ssl",
        "Really Simple Security - Simple and Performant Security (formerly Really Simple SSL)",
        "9.5.11",
        "6.6",
        "7.4",
        "7.0",
        12,
        "9.5.11",
    ),
    RealReadme(
        "redirection-readme.txt", "redirection", None, "5.4.2", "5.9", "5.6", "6.4.2", 2, "5.4.2"
    ),
    RealReadme("theme-astra-readme.txt", "astra", "Astra", "3.6.5", None, "5.3", "5.8", 0, None),
    RealReadme(
        "theme-twentytwentyfive-readme.txt",
        "twentytwentyfive",
        "Twenty Twenty-Five",
        "1.0",
        "6.7",
        "7.2",
        "6.7",
        0,
        None,
    ),
    RealReadme(
        "two-factor-readme.txt",
        "two-factor",
        "Two Factor",
        "0.16.0",
        None,
        None,
        "7.1",
        9,
        "0.16.0",
    ),
    RealReadme(
        "woocommerce-2015-readme.txt",
        "woocommerce",
        "WooCommerce - excelling eCommerce",
        "2.4.7",
        "4.1",
        None,
        "4.3",
        7,
        "2.4.7",
    ),
    RealReadme(
        "wordfence-readme.txt",
        "wordfence",
        "Wordfence Security - Firewall & Malware Scan",
        "7.5.9",
        "3.9",
        "5.3",
        "5.9",
        17,
        "7.5.9",
    ),
    RealReadme(
        "wordpress-importer-readme.txt",
        "wordpress-importer",
        "WordPress Importer",
        "0.9.5",
        "5.2",
        "7.2",
        "6.8",
        1,
        "0.9.5",
    ),
    RealReadme(
        "wordpress-seo-2015-readme.txt",
        "wordpress-seo",
        "Yoast SEO",
        "2.3.4",
        "3.9",
        None,
        "4.3",
        0,
        "2.3.4",
    ),
    RealReadme(
        "wp-super-cache-readme.txt",
        "wp-super-cache",
        "WP Super Cache",
        "1.12.3",
        "6.5",
        "7.0",
        "6.7",
        22,
        "1.12.4",
    ),
    RealReadme(
        "wporg-example-readme.txt", "wporg-example", None, "4.3", "4.7", "7.0", "5.4", 2, "1.0"
    ),
)
