# Two instance_profile blocks with one label; the message takes "An".
instance_profile "web" {}

instance_profile "web" {}
