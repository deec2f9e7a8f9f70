"""Critical web flow: the demo admin signs in, sees the home page in French, switches to English."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import click_and_wait

DEMO_PASSWORD = "guichet-demo"


def sign_in(browser, server, email):
    browser.get(server + "/login")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    click_and_wait(browser, browser.find_element(By.ID, "login-submit"))


def test_demo_admin_signs_in_in_french_then_switches_to_english(browser, server):
    browser.get(server + "/")
    assert browser.current_url.startswith(server + "/login"), "the home page asks to sign in first"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Connexion"

    sign_in(browser, server, "admin@demo.test")
    assert browser.current_url == server + "/"
    assert browser.find_element(By.ID, "welcome").text == "Bonjour, Claire Admin"
    assert "Maison Lumière" in browser.find_element(By.TAG_NAME, "main").text
    assert "Administrateur" in browser.page_source

    Select(browser.find_element(By.ID, "language-select")).select_by_value("en")
    click_and_wait(browser, browser.find_element(By.ID, "language-submit"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.ID, "welcome").text == "Hello, Claire Admin"
    assert "Administrator" in browser.page_source

    # The choice is remembered by the session, not the browser's language.
    browser.get(server + "/account/tokens")
    assert browser.find_element(By.TAG_NAME, "h1").text == "API tokens"


def test_wrong_password_is_refused_with_a_message(browser, server):
    browser.get(server + "/login")
    browser.find_element(By.ID, "email").send_keys("viewer@demo.test")
    browser.find_element(By.ID, "password").send_keys("not the password")
    click_and_wait(browser, browser.find_element(By.ID, "login-submit"))
    assert "incorrect" in browser.find_element(By.ID, "login-error").text
    assert browser.find_element(By.ID, "email").get_attribute("value") == "viewer@demo.test"
