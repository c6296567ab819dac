CREATE TABLE `erasures` (
	`child_id` integer PRIMARY KEY NOT NULL,
	`erased_by` integer NOT NULL,
	`erased_at` integer NOT NULL,
	FOREIGN KEY (`child_id`) REFERENCES `children`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`erased_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
