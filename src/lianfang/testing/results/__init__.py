"""Lab results: a lab's file or API rows, individual results, a person's results and temporary controls."""
