data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "applications_lambda" {
  statement {
    actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = [
      aws_dynamodb_table.permit_applications.arn,
      "${aws_dynamodb_table.permit_applications.arn}/index/*",
    ]
  }
}

resource "aws_iam_role" "applications_lambda" {
  name               = "${local.name_prefix}-applications-lambda"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "applications_lambda_logs" {
  role       = aws_iam_role.applications_lambda.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "applications_lambda" {
  name   = "permit-applications"
  role   = aws_iam_role.applications_lambda.id
  policy = data.aws_iam_policy_document.applications_lambda.json
}
