resource "aws_kms_key" "personal_data" {
  description             = "Personal data at rest, ${local.name_prefix}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = merge(local.common_tags, { Name = "${local.name_prefix}-personal-data" })
}

resource "aws_kms_alias" "personal_data" {
  name          = "alias/${local.name_prefix}-personal-data"
  target_key_id = aws_kms_key.personal_data.key_id
}
