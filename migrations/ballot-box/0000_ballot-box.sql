CREATE TABLE `box_checkoffs` (
	`id` integer PRIMARY KEY NOT NULL,
	`election_id` integer NOT NULL,
	`child_id` integer NOT NULL,
	`voted` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `box_checkoffs_child_idx` ON `box_checkoffs` (`election_id`,`child_id`);--> statement-breakpoint
CREATE TABLE `box_contests` (
	`contest_id` integer PRIMARY KEY NOT NULL,
	`election_id` integer NOT NULL,
	`candidate_ids` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `box_contests_election_idx` ON `box_contests` (`election_id`);--> statement-breakpoint
CREATE TABLE `box_polls` (
	`election_id` integer PRIMARY KEY NOT NULL,
	`sealed_at` integer,
	`digest` text
);
--> statement-breakpoint
CREATE TABLE `box_slots` (
	`id` integer PRIMARY KEY NOT NULL,
	`contest_id` integer NOT NULL,
	`filled` integer NOT NULL,
	`marks` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `box_slots_contest_idx` ON `box_slots` (`contest_id`);