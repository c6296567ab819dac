CREATE TABLE `form_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`audit_id` integer NOT NULL,
	`result` text,
	`flash` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `form_keys_created_idx` ON `form_keys` (`created_at`);