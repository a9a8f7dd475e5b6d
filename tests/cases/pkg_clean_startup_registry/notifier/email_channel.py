from .channels import channel


@channel("email")
def send_email(recipient, text):
    return {"to": recipient, "via": "email", "chars": len(text)}
