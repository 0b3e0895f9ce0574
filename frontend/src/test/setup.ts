import { configure } from "@testing-library/dom";

// `waitFor`/`findBy*` give up after one second by default; on a loaded 2-core machine a render can take longer.
// Ten seconds bounds what a person would wait for a panel to update.
configure({ asyncUtilTimeout: 10_000 });
