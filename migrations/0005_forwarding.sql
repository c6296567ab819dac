CREATE TABLE `follow_up_rules` (
	`village_id` integer PRIMARY KEY NOT NULL,
	`acknowledge_days` integer NOT NULL,
	`decide_days` integer NOT NULL,
	`board_shows_proposers` integer NOT NULL,
	`updated_by` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `forwardings` (
	`resolution_id` integer PRIMARY KEY NOT NULL,
	`forwarded_on` text NOT NULL,
	`addressed_to` text NOT NULL,
	`way` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`forwarded_by` integer NOT NULL,
	`forwarded_at` integer NOT NULL,
	FOREIGN KEY (`resolution_id`) REFERENCES `resolutions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`forwarded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resolution_id` integer NOT NULL,
	`kind` text NOT NULL,
	`on` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`target_date` text,
	`evidence` text DEFAULT '' NOT NULL,
	`recorded_by` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`resolution_id`) REFERENCES `resolutions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `responses_resolution_idx` ON `responses` (`resolution_id`);--> statement-breakpoint
ALTER TABLE `agenda_items` ADD `response_id` integer;