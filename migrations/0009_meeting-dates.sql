CREATE TABLE `meeting_cancellations` (
	`meeting_id` integer PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`by` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `meeting_postponements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`meeting_id` integer NOT NULL,
	`from_date` text NOT NULL,
	`from_time` text NOT NULL,
	`to_date` text NOT NULL,
	`to_time` text NOT NULL,
	`reason` text NOT NULL,
	`by` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `meeting_postponements_meeting_idx` ON `meeting_postponements` (`meeting_id`);--> statement-breakpoint
ALTER TABLE `meetings` ADD `scheduled_date` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `scheduled_time` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `end_time` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `typed_later` integer;--> statement-breakpoint
ALTER TABLE `meetings` ADD `off_schedule_reason` text;