CREATE TABLE `case_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`kind` text NOT NULL,
	`on` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`agenda_item_id` integer,
	`resolution_id` integer,
	`school` text DEFAULT '' NOT NULL,
	`school_class` text DEFAULT '' NOT NULL,
	`rte_admission` integer,
	`check_day` integer,
	`attending` integer,
	`close_reason` text,
	`recorded_by` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_steps_case_idx` ON `case_steps` (`case_id`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_id` integer NOT NULL,
	`child_id` integer NOT NULL,
	`reason` text NOT NULL,
	`work_place` text,
	`note` text DEFAULT '' NOT NULL,
	`found_by` text NOT NULL,
	`found_by_child_id` integer,
	`found_on` text NOT NULL,
	`opened_by` integer NOT NULL,
	`opened_at` integer NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`child_id`) REFERENCES `children`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`found_by_child_id`) REFERENCES `children`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cases_village_idx` ON `cases` (`village_id`);--> statement-breakpoint
CREATE INDEX `cases_child_idx` ON `cases` (`child_id`);