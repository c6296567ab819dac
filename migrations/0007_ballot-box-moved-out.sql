-- Ballots and check-offs move to the ballot box's own file (src/elections/ballot-box.ts). The old
-- tables are set aside here; at start the app moves their rows into the box, drops them and
-- rewrites the file, so no trace of the order children voted in stays behind.
ALTER TABLE `ballot_marks` RENAME TO `legacy_ballot_marks`;--> statement-breakpoint
ALTER TABLE `ballots` RENAME TO `legacy_ballots`;--> statement-breakpoint
ALTER TABLE `checkoffs` RENAME TO `legacy_checkoffs`;--> statement-breakpoint
-- A tablet's session used to name the child holding its ballot: such sessions end here.
DELETE FROM `sessions` WHERE `data` LIKE '%"ballot"%';
