package io.github.vigil.examples.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A trading gateway as a Spring Boot application. It has no code of its own for its processes:
 * {@code application.yml} declares the quote feed and the order gateway, and the Vigil starter
 * runs them with the application, shows them at {@code /actuator/vigil} and in
 * {@code /actuator/health}, and stops them when the application stops.
 */
@SpringBootApplication
public class GatewayApplication {

  public static void main(String[] args) {
    SpringApplication.run(GatewayApplication.class, args);
  }
}
