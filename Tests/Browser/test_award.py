"""Critical award flows in a real browser: a shopper records a test; a brand reads its report."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import click_and_wait
from test_login import sign_in


def test_shopper_records_an_evaluation(browser, server):
    sign_in(browser, server, "shopper@demo.test")
    browser.get(server + "/orgs/trophees-demo/award/assignments")
    assert "/plan" in browser.current_url, "assignments lead to the shopper's plan"
    rows = browser.find_elements(By.CSS_SELECTOR, "#plan tbody tr")
    assert rows, "the demo shopper has tests to do"
    # Only their own tests: the shopper column is not shown to a shopper.
    assert "Client mystère" not in browser.find_element(By.CSS_SELECTOR, "#plan thead").text

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a.evaluate"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Évaluation de la visite")
    test_id = browser.find_element(By.TAG_NAME, "h1").text.split()[-1]
    for select in browser.find_elements(By.CSS_SELECTOR, "select[name^='score_']"):
        options = [o.get_attribute("value") for o in select.find_elements(By.TAG_NAME, "option")]
        Select(select).select_by_value([v for v in options if v not in ("", "NA")][-1])  # the best score
    for field, value in (("ringingSeconds", "8"), ("takeInChargeSeconds", "25")):
        inputs = browser.find_elements(By.ID, field)
        if inputs:
            inputs[0].clear()
            inputs[0].send_keys(value)
    browser.find_element(By.ID, "verbatim").send_keys("Accueil chaleureux, réponse claire.")
    click_and_wait(browser, browser.find_element(By.ID, "save-evaluation"))

    assert "Évaluation enregistrée" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "#plan tbody tr")
           if r.find_element(By.TAG_NAME, "td").text == test_id][0]
    assert row.find_elements(By.TAG_NAME, "td")[-1].text.startswith("oui")

    # Reopening the test shows what was recorded.
    browser.get(server + f"/orgs/trophees-demo/award/assignments")
    click_and_wait(browser, browser.find_element(By.XPATH, f"//td[text()='{test_id}']/..//a[@class='evaluate']"))
    assert "Accueil chaleureux" in browser.find_element(By.ID, "verbatim").get_attribute("value")


def test_brand_reads_its_published_report(browser, server):
    sign_in(browser, server, "admin@demo.test")
    browser.get(server + "/orgs/maison-lumiere/award")
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "2018"))
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Maison Lumière"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Rapport — Maison Lumière"
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart svg"), "SVG charts"
    assert browser.find_elements(By.CSS_SELECTOR, "#strengths li")
    # Competitors appear in the ranking, without a link to their report.
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table a")]
    assert "Primeur Express" not in links
