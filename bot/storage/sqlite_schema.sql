-- migrations b450d68b55adbba35780becb9a5d76fd01e5335ee97bf528fc117e3e8a4a821d
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE customers (
	id INTEGER NOT NULL, 
	email VARCHAR(254), 
	name VARCHAR(200), 
	language VARCHAR(8), 
	created_at DATETIME NOT NULL, 
	email_bounced_at DATETIME, 
	bounce_reason VARCHAR(500), 
	PRIMARY KEY (id), 
	UNIQUE (email)
);
CREATE TABLE conversations (
	id INTEGER NOT NULL, 
	public_id VARCHAR(40) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	channel VARCHAR(16) NOT NULL, 
	customer_id INTEGER, 
	language VARCHAR(8) NOT NULL, 
	status VARCHAR(24) NOT NULL, 
	state JSON NOT NULL, 
	product VARCHAR(100), 
	subject VARCHAR(300), 
	message_count INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, anonymised_at DATETIME, outcome VARCHAR(16), outcome_at DATETIME, handoff_reason VARCHAR(24), reopened_at DATETIME, followed_up_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(customer_id) REFERENCES customers (id), 
	UNIQUE (public_id)
);
CREATE INDEX ix_conversations_created_at ON conversations (created_at);
CREATE INDEX ix_conversations_customer_id ON conversations (customer_id);
CREATE INDEX ix_conversations_product ON conversations (product);
CREATE INDEX ix_conversations_status ON conversations (status);
CREATE TABLE events (
	id INTEGER NOT NULL, 
	conversation_id INTEGER, 
	kind VARCHAR(40) NOT NULL, 
	data JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE CASCADE
);
CREATE INDEX ix_events_conversation_id ON events (conversation_id);
CREATE INDEX ix_events_kind_created ON events (kind, created_at);
CREATE TABLE messages (
	id INTEGER NOT NULL, 
	conversation_id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	text TEXT NOT NULL, 
	html TEXT, 
	route VARCHAR(32), 
	payload JSON NOT NULL, 
	staff_id INTEGER, 
	channel_ref VARCHAR(300), 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE CASCADE, 
	UNIQUE (conversation_id, seq)
);
CREATE INDEX ix_messages_channel_ref ON messages (channel_ref);
CREATE TABLE tickets (
	id INTEGER NOT NULL, 
	number VARCHAR(40), 
	conversation_id INTEGER NOT NULL, 
	status VARCHAR(24) NOT NULL, 
	reason VARCHAR(32) NOT NULL, 
	summary VARCHAR(300) NOT NULL, 
	product VARCHAR(100), 
	channel VARCHAR(16) NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	details JSON NOT NULL, 
	assignee_id INTEGER, 
	opened_at DATETIME NOT NULL, 
	due_at DATETIME NOT NULL, 
	first_response_at DATETIME, 
	resolved_at DATETIME, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id), 
	UNIQUE (conversation_id), 
	UNIQUE (number)
);
CREATE INDEX ix_tickets_assignee_id ON tickets (assignee_id);
CREATE INDEX ix_tickets_product ON tickets (product);
CREATE INDEX ix_tickets_status_due ON tickets (status, due_at);
CREATE TABLE inbound_emails (
	id INTEGER NOT NULL, 
	received_at DATETIME NOT NULL, 
	source VARCHAR(16) NOT NULL, 
	envelope_sender VARCHAR(500), 
	envelope_recipients JSON NOT NULL, 
	raw BLOB NOT NULL, 
	size INTEGER NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	message_id VARCHAR(500), 
	from_addr VARCHAR(320), 
	subject VARCHAR(300), 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	lease_until DATETIME, 
	processed_at DATETIME, 
	conversation_id INTEGER, 
	outcome VARCHAR(24), 
	reason VARCHAR(60), 
	detail VARCHAR(500), 
	error TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE SET NULL, 
	UNIQUE (content_hash)
);
CREATE INDEX ix_inbound_emails_conversation_id ON inbound_emails (conversation_id);
CREATE INDEX ix_inbound_emails_message_id ON inbound_emails (message_id);
CREATE INDEX ix_inbound_emails_received_at ON inbound_emails (received_at);
CREATE INDEX ix_inbound_emails_status_lease ON inbound_emails (status, lease_until);
CREATE TABLE outbound_emails (
	id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	conversation_id INTEGER, 
	inbound_email_id INTEGER, 
	kind VARCHAR(16) NOT NULL, 
	recipient VARCHAR(320) NOT NULL, 
	envelope_from VARCHAR(320) NOT NULL, 
	message_id VARCHAR(300) NOT NULL, 
	subject VARCHAR(500) NOT NULL, 
	raw BLOB NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	lease_owner VARCHAR(64), 
	lease_until DATETIME, 
	sent_at DATETIME, 
	last_error TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE SET NULL, 
	FOREIGN KEY(inbound_email_id) REFERENCES inbound_emails (id) ON DELETE SET NULL, 
	UNIQUE (inbound_email_id), 
	UNIQUE (message_id)
);
CREATE INDEX ix_outbound_emails_conversation_id ON outbound_emails (conversation_id);
CREATE INDEX ix_outbound_emails_recipient_created ON outbound_emails (recipient, created_at);
CREATE INDEX ix_outbound_emails_status_due ON outbound_emails (status, next_attempt_at);
CREATE TABLE mailbox_cursors (
	id INTEGER NOT NULL, 
	mailbox VARCHAR(500) NOT NULL, 
	uidvalidity BIGINT NOT NULL, 
	last_uid BIGINT NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (mailbox)
);
CREATE TABLE subscriptions (
	id INTEGER NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	product VARCHAR(100) NOT NULL, 
	license_hash VARCHAR(64), 
	license_last4 VARCHAR(4), 
	expires_at DATE, 
	status VARCHAR(16) NOT NULL, 
	source VARCHAR(24) NOT NULL, 
	external_id VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, shop_modified_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (license_hash), 
	UNIQUE (source, external_id)
);
CREATE INDEX ix_subscriptions_email_product ON subscriptions (email, product);
CREATE TABLE staff_users (
	id INTEGER NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	password_hash VARCHAR(300) NOT NULL, 
	active BOOLEAN NOT NULL, 
	session_generation INTEGER NOT NULL, 
	language VARCHAR(8), 
	created_at DATETIME NOT NULL, 
	last_login_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (email)
);
CREATE TABLE staff_sessions (
	id INTEGER NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	staff_id INTEGER NOT NULL, 
	generation INTEGER NOT NULL, 
	csrf_token VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	last_seen_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	ip VARCHAR(64), 
	user_agent VARCHAR(300), 
	PRIMARY KEY (id), 
	FOREIGN KEY(staff_id) REFERENCES staff_users (id) ON DELETE CASCADE, 
	UNIQUE (token_hash)
);
CREATE INDEX ix_staff_sessions_staff_id ON staff_sessions (staff_id);
CREATE TABLE staff_audit (
	id INTEGER NOT NULL, 
	staff_id INTEGER, 
	action VARCHAR(32) NOT NULL, 
	ticket_id INTEGER, 
	detail JSON NOT NULL, 
	ip VARCHAR(64), 
	created_at DATETIME NOT NULL, customer_id INTEGER, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_staff_audit_created_at ON staff_audit (created_at);
CREATE INDEX ix_staff_audit_staff_created ON staff_audit (staff_id, created_at);
CREATE INDEX ix_staff_audit_ticket_created ON staff_audit (ticket_id, created_at);
CREATE TABLE ticket_notes (
	id INTEGER NOT NULL, 
	ticket_id INTEGER NOT NULL, 
	staff_id INTEGER, 
	text TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(staff_id) REFERENCES staff_users (id) ON DELETE SET NULL, 
	FOREIGN KEY(ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
);
CREATE INDEX ix_ticket_notes_ticket_id ON ticket_notes (ticket_id);
CREATE TABLE saved_replies (
	id INTEGER NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	title VARCHAR(200) NOT NULL, 
	body TEXT NOT NULL, 
	created_by INTEGER, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(created_by) REFERENCES staff_users (id) ON DELETE SET NULL
);
CREATE INDEX ix_saved_replies_language ON saved_replies (language);
CREATE INDEX ix_tickets_status_assignee_due ON tickets (status, assignee_id, due_at);
CREATE TABLE conversation_subscriptions (
	conversation_id INTEGER NOT NULL, 
	subscription_id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (conversation_id, subscription_id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE CASCADE, 
	FOREIGN KEY(subscription_id) REFERENCES subscriptions (id) ON DELETE CASCADE
);
CREATE INDEX ix_conversation_subscriptions_subscription_id ON conversation_subscriptions (subscription_id);
CREATE INDEX ix_staff_audit_customer_created ON staff_audit (customer_id, created_at);
CREATE TABLE faq_answers (
	id INTEGER NOT NULL, 
	conversation_id INTEGER NOT NULL, 
	faq_id VARCHAR(120) NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	answered_at DATETIME NOT NULL, 
	helpful BOOLEAN, 
	ticket_after BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE CASCADE
);
CREATE INDEX ix_faq_answers_conversation_id ON faq_answers (conversation_id);
CREATE INDEX ix_conversations_ladder ON conversations (created_at, outcome, outcome_at, handoff_reason, reopened_at, followed_up_at, product, language, channel);
CREATE INDEX ix_conversations_outcome_created ON conversations (outcome, created_at);
CREATE TABLE learned_phrasings (
	id INTEGER NOT NULL, 
	entry_ref VARCHAR(200) NOT NULL, 
	text TEXT NOT NULL, 
	staff_id INTEGER, 
	created_at DATETIME NOT NULL, removed_at DATETIME, removed_by INTEGER, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_learned_phrasings_entry ON learned_phrasings (entry_ref);
CREATE TABLE missed_groups (
	id INTEGER NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	product VARCHAR(100), 
	status VARCHAR(16) NOT NULL, 
	size INTEGER NOT NULL, 
	no_match INTEGER NOT NULL, 
	declined INTEGER NOT NULL, 
	not_helped INTEGER NOT NULL, 
	not_understood INTEGER NOT NULL, 
	seed_id INTEGER, 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	entry_ref VARCHAR(200), 
	text TEXT, 
	decided_by INTEGER, 
	decided_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_missed_groups_status_size ON missed_groups (status, size, last_seen);
CREATE INDEX ix_missed_groups_status_decided ON missed_groups (status, decided_at);
CREATE INDEX ix_missed_groups_status_language_seen ON missed_groups (status, language, last_seen);
CREATE TABLE missed_questions (
	id INTEGER NOT NULL, 
	group_id INTEGER NOT NULL, 
	conversation_id INTEGER NOT NULL, 
	reason VARCHAR(16) NOT NULL, 
	text TEXT NOT NULL, 
	similarity_key VARCHAR(300) NOT NULL, 
	entry_ref VARCHAR(200), 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(conversation_id) REFERENCES conversations (id) ON DELETE CASCADE, 
	FOREIGN KEY(group_id) REFERENCES missed_groups (id) ON DELETE CASCADE
);
CREATE INDEX ix_missed_questions_conversation_id ON missed_questions (conversation_id);
CREATE INDEX ix_missed_questions_group ON missed_questions (group_id, id);
CREATE INDEX ix_missed_questions_group_reason ON missed_questions (group_id, reason);
CREATE TABLE ladder_days (
	id INTEGER NOT NULL, 
	zone VARCHAR(64) NOT NULL, 
	day DATE NOT NULL, 
	starts_at DATETIME NOT NULL, 
	ends_at DATETIME NOT NULL, 
	summed_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_ladder_days_zone_day UNIQUE (zone, day)
);
CREATE INDEX ix_ladder_days_bounds ON ladder_days (starts_at, ends_at);
CREATE TABLE ladder_summaries (
	id INTEGER NOT NULL, 
	day_id INTEGER NOT NULL, 
	product VARCHAR(100) NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	channel VARCHAR(16) NOT NULL, 
	conversations INTEGER NOT NULL, 
	not_recorded INTEGER NOT NULL, 
	confirmed INTEGER NOT NULL, 
	assumed INTEGER NOT NULL, 
	abandoned INTEGER NOT NULL, 
	durable INTEGER NOT NULL, 
	reason_person INTEGER NOT NULL, 
	reason_no_answer INTEGER NOT NULL, 
	reason_not_helped INTEGER NOT NULL, 
	reason_bug INTEGER NOT NULL, 
	reason_conflict_test_failed INTEGER NOT NULL, 
	reason_expired_subscription INTEGER NOT NULL, 
	reason_not_understood INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(day_id) REFERENCES ladder_days (id) ON DELETE CASCADE
);
CREATE INDEX ix_ladder_summaries_day_id ON ladder_summaries (day_id);
CREATE INDEX ix_conversations_outcome_at ON conversations (outcome_at, created_at);
CREATE TRIGGER ladder_conversation_added AFTER INSERT ON conversations BEGIN
        DELETE FROM ladder_days WHERE starts_at <= NEW.created_at AND ends_at > NEW.created_at; END;
CREATE TRIGGER ladder_conversation_changed AFTER UPDATE OF created_at, outcome, outcome_at, handoff_reason, reopened_at, followed_up_at, product, language, channel ON conversations
        BEGIN DELETE FROM ladder_days WHERE starts_at <= OLD.created_at AND ends_at > OLD.created_at; DELETE FROM ladder_days WHERE starts_at <= NEW.created_at AND ends_at > NEW.created_at; END;
CREATE TRIGGER ladder_conversation_removed AFTER DELETE ON conversations BEGIN
        DELETE FROM ladder_days WHERE starts_at <= OLD.created_at AND ends_at > OLD.created_at; END;
CREATE TRIGGER ladder_message_added AFTER INSERT
        ON messages WHEN NEW.role = 'customer' BEGIN DELETE FROM ladder_days WHERE starts_at <= (SELECT created_at FROM conversations WHERE id = NEW.conversation_id) AND ends_at > (SELECT created_at FROM conversations WHERE id = NEW.conversation_id); END;
CREATE TRIGGER ladder_message_removed AFTER DELETE
        ON messages WHEN OLD.role = 'customer' BEGIN DELETE FROM ladder_days WHERE starts_at <= (SELECT created_at FROM conversations WHERE id = OLD.conversation_id) AND ends_at > (SELECT created_at FROM conversations WHERE id = OLD.conversation_id); END;
CREATE TABLE ladder_entry_summaries (
	id INTEGER NOT NULL, 
	day_id INTEGER NOT NULL, 
	faq_id VARCHAR(120) NOT NULL, 
	language VARCHAR(8) NOT NULL, 
	product VARCHAR(100) NOT NULL, 
	answered INTEGER NOT NULL, 
	helped INTEGER NOT NULL, 
	not_helped INTEGER NOT NULL, 
	tickets_after INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(day_id) REFERENCES ladder_days (id) ON DELETE CASCADE
);
CREATE INDEX ix_ladder_entry_summaries_day_id ON ladder_entry_summaries (day_id);
CREATE INDEX ix_tickets_opened_response ON tickets (opened_at, product, first_response_at);
CREATE INDEX ix_faq_answers_answered_entry ON faq_answers (answered_at, faq_id, language, helpful, ticket_after);
CREATE TRIGGER ladder_answer_added AFTER INSERT ON faq_answers BEGIN
        DELETE FROM ladder_days WHERE starts_at <= NEW.answered_at AND ends_at > NEW.answered_at; END;
CREATE TRIGGER ladder_answer_changed AFTER UPDATE OF answered_at, faq_id, language, helpful, ticket_after, conversation_id ON faq_answers BEGIN
        DELETE FROM ladder_days WHERE starts_at <= OLD.answered_at AND ends_at > OLD.answered_at; DELETE FROM ladder_days WHERE starts_at <= NEW.answered_at AND ends_at > NEW.answered_at; END;
CREATE TRIGGER ladder_answer_removed AFTER DELETE ON faq_answers BEGIN
        DELETE FROM ladder_days WHERE starts_at <= OLD.answered_at AND ends_at > OLD.answered_at; END;
CREATE TRIGGER ladder_answers_product AFTER UPDATE OF product ON conversations
        BEGIN DELETE FROM ladder_days WHERE EXISTS (SELECT 1 FROM faq_answers a
    WHERE a.conversation_id = NEW.id AND ladder_days.starts_at <= a.answered_at
    AND ladder_days.ends_at > a.answered_at); END;
INSERT INTO alembic_version VALUES ('0011');
