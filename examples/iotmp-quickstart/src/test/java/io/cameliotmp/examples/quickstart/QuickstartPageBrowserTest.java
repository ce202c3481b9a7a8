package io.cameliotmp.examples.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cameliotmp.test.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at {@code /} in a real headless browser ({@link HeadlessChromium}: Debian's chromium and chromedriver from
 * /usr/bin, never downloaded; CI installs the packages {@code chromium} and {@code chromium-driver}); without them the
 * test fails, it does not skip. The final state of the page is saved to
 * {@code target/screenshots/quickstart.png}.
 */
class QuickstartPageBrowserTest extends QuickstartTestSupport {

    static final Path SCREENSHOT = Path.of("target", "screenshots", "quickstart.png");

    private HeadlessChromium chromium;
    private ChromeDriver browser;

    @BeforeEach
    void startChromium() throws IOException {
        chromium = HeadlessChromium.start(1280, 900);
        browser = chromium.driver();
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void listsSim1AndChartsItsTemperatureLive() throws IOException {
        browser.get(uri("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("sign-in-button")).click();

        wait.withMessage("sim-1 listed").ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='sim-1']")).click();
            return true;
        });
        WebElement temperature = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#resources tr[data-resource='temperature']")));
        assertThat(temperature.getText()).contains("temperature").contains("output");
        assertThat(browser.findElement(By.cssSelector("#resources tr[data-resource='led'] td:nth-child(2)")).getText())
                .isEqualTo("input");

        // write through the page: echo answers what it is sent
        WebElement echoInput = browser.findElement(By.cssSelector("#resources tr[data-resource='echo'] input"));
        echoInput.sendKeys("{\"from\":\"the page\"}");
        browser.findElement(By.cssSelector("#resources tr[data-resource='echo'] button[data-action='send']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("resource-result"), "echo → {\"from\":\"the page\"}"));

        temperature.findElement(By.cssSelector("button[data-action='chart']")).click();
        WebElement chart = browser.findElement(By.id("chart"));
        wait.withMessage("the chart receiving samples")
                .until(driver -> Integer.parseInt(chart.getDomAttribute("data-points")) >= 8);
        assertThat(browser.findElement(By.id("chart-title")).getText()).isEqualTo("sim-1 · temperature");
        assertThat(browser.findElement(By.id("chart-status")).getText()).contains("samples");

        chromium.screenshot(SCREENSHOT);
        assertThat(Files.size(SCREENSHOT)).isPositive();
    }
}
