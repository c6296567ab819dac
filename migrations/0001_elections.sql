CREATE TABLE `candidates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_id` integer NOT NULL,
	`contest_id` integer NOT NULL,
	`child_id` integer NOT NULL,
	`symbol` text NOT NULL,
	`nominated_by` integer NOT NULL,
	`nominated_at` integer NOT NULL,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contest_id`) REFERENCES `contests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`child_id`) REFERENCES `children`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`nominated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `candidates_child_idx` ON `candidates` (`election_id`,`child_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `candidates_symbol_idx` ON `candidates` (`contest_id`,`symbol`);--> statement-breakpoint
CREATE TABLE `contests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_id` integer NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`seats` integer NOT NULL,
	`seat_titles` text DEFAULT '[]' NOT NULL,
	`max_choices` integer NOT NULL,
	`method` text NOT NULL,
	`girls_share` real,
	`girls_minimum` integer,
	`rounding` text NOT NULL,
	`protect` text NOT NULL,
	`tie_break` text NOT NULL,
	`shortfall` text NOT NULL,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contests_election_idx` ON `contests` (`election_id`);--> statement-breakpoint
CREATE TABLE `election_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_id` integer NOT NULL,
	`stage` text NOT NULL,
	`at` integer NOT NULL,
	`by` integer NOT NULL,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `election_events_stage_idx` ON `election_events` (`election_id`,`stage`);--> statement-breakpoint
CREATE TABLE `elections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_id` integer NOT NULL,
	`title` text NOT NULL,
	`term_start` text NOT NULL,
	`term_end` text NOT NULL,
	`voter_age_min` integer NOT NULL,
	`voter_age_max` integer NOT NULL,
	`candidate_age_min` integer NOT NULL,
	`candidate_age_max` integer NOT NULL,
	`candidacy` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `elections_village_idx` ON `elections` (`village_id`);--> statement-breakpoint
CREATE TABLE `lots` (
	`candidate_id` integer PRIMARY KEY NOT NULL,
	`election_id` integer NOT NULL,
	`lot` integer NOT NULL,
	`source` text NOT NULL,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lots_election_idx` ON `lots` (`election_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_id` integer NOT NULL,
	`contest_id` integer NOT NULL,
	`candidate_id` integer NOT NULL,
	`child_id` integer NOT NULL,
	`seat` integer NOT NULL,
	`seat_title` text DEFAULT '' NOT NULL,
	`since` text NOT NULL,
	`left_on` text,
	`left_reason` text,
	`replaces_member_id` integer,
	`recorded_by` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contest_id`) REFERENCES `contests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`child_id`) REFERENCES `children`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `members_election_idx` ON `members` (`election_id`);--> statement-breakpoint
CREATE INDEX `members_child_idx` ON `members` (`child_id`);--> statement-breakpoint
CREATE TABLE `paper_count_lines` (
	`paper_count_id` integer NOT NULL,
	`candidate_id` integer NOT NULL,
	`votes` integer NOT NULL,
	PRIMARY KEY(`paper_count_id`, `candidate_id`),
	FOREIGN KEY (`paper_count_id`) REFERENCES `paper_counts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `paper_counts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contest_id` integer NOT NULL,
	`ballots` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`entered_by` integer NOT NULL,
	`entered_at` integer NOT NULL,
	`voided_by` integer,
	`voided_at` integer,
	FOREIGN KEY (`contest_id`) REFERENCES `contests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `paper_counts_contest_idx` ON `paper_counts` (`contest_id`);--> statement-breakpoint
CREATE TABLE `results` (
	`contest_id` integer PRIMARY KEY NOT NULL,
	`election_id` integer NOT NULL,
	`count` text NOT NULL,
	FOREIGN KEY (`contest_id`) REFERENCES `contests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`election_id`) REFERENCES `elections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `results_election_idx` ON `results` (`election_id`);