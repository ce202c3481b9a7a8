package io.cameliotmp.api;

import java.io.IOException;

import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the console opened under one identity ends when the page takes another: a terminal session opened with one
 * token, or for one user, is closed when the page signs in with another token, or is switched to another user. Before,
 * the terminal went on, with the rights of the token signed out of and under the device of the user left, and the
 * session held its place on the server (and the device's shell) until the page itself was closed.
 */
class ConsoleSignInAgainBrowserTest extends ApiTestSupport {

    /** The test token of user other (application.yml of the tests). */
    private static final String OTHER = "test-token-other";

    @Autowired
    DeviceSessionSocket sessions;

    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startChromiumAndDevice() throws Exception {
        connect("demo", "dev-2", "secret-2", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> null));
        chromium = HeadlessChromium.start(1200, 1400);
        browser = chromium.driver();
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void signingInWithAnotherTokenEndsTheTerminalOfTheFirst() {
        await("sessions of other tests closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        browser.get(uri("/console/").toString());
        signIn(ALL);
        openTerminal();

        signIn(OTHER);

        await("the terminal of the token signed out of closed on the server").atMost(WAIT)
                .until(() -> sessions.openSessions() == 0);
        assertThat(browser.findElement(By.id("terminal-panel")).isDisplayed()).isFalse();
    }

    @Test
    void switchingToAnotherUserEndsTheTerminalOfTheFirst() {
        await("sessions of other tests closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        browser.get(uri("/console/").toString());
        signIn(ALL);
        openTerminal();

        WebElement user = browser.findElement(By.id("user"));
        user.clear();
        // the user field tells of its change as it loses the focus
        user.sendKeys("other", Keys.TAB);

        await("the terminal of the user left closed on the server").atMost(WAIT)
                .until(() -> sessions.openSessions() == 0);
        assertThat(browser.findElement(By.id("terminal-panel")).isDisplayed()).isFalse();
    }

    private void signIn(String token) {
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in-button")).click();
    }

    private void openTerminal() {
        wait.withMessage("dev-2 listed").until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='dev-2']")).click();
            return true;
        });
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#resources tr[data-resource='$terminal/:session'] button[data-action='terminal']"))).click();
        wait.withMessage("the session open").until(
                ExpectedConditions.attributeToBe(By.id("terminal-status"), "data-state", "open"));
        assertThat(sessions.openSessions()).isEqualTo(1);
    }
}
