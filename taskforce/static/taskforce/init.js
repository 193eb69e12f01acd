// Starts GOV.UK Frontend's components (error summary focus, service navigation, radios, checkboxes...).
import { initAll } from "../vendor/govuk-frontend.min.js";

initAll();
