"""Patient channels other than the web page; each turns its own transport into ChatService turns."""
