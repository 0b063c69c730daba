# IAM allows letters, digits, spaces and + - = . _ : / @ in tag keys and
# values; anything else is rejected before any call.
user "alice" {
  tags = {
    "team#1" = "platform"
    owner    = "alice<script>"
  }
}
