-- Ballots are secret: random ids and WITHOUT ROWID, so no hidden row number keeps the order they were cast in.
CREATE TABLE `ballot_marks` (
	`ballot_id` text NOT NULL,
	`contest_id` integer NOT NULL,
	`candidate_id` integer NOT NULL,
	PRIMARY KEY(`ballot_id`, `candidate_id`),
	FOREIGN KEY (`contest_id`) REFERENCES `contests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`candidate_id`) REFERENCES `candidates`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `ballot_marks_tally_idx` ON `ballot_marks` (`contest_id`,`candidate_id`);--> statement-breakpoint
CREATE TABLE `ballots` (
	`id` text PRIMARY KEY NOT NULL,
	`contest_id` integer NOT NULL,
	FOREIGN KEY (`contest_id`) REFERENCES `contests`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `ballots_contest_idx` ON `ballots` (`contest_id`);