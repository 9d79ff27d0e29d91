// The neighbours webview's entry. One bundle serves two pages: the side bar's view (sideBar.ts: the lists,
// the controls and a small map) and the large map in an editor tab (mapPanel.ts), a second webview of the
// same screen. The page's title, set by the extension, says which one this is; each module builds its
// own page when imported.
import { NEIGHBOURS_MAP_TITLE } from "../../src/shared/neighboursProtocol";

if (document.title === NEIGHBOURS_MAP_TITLE) void import("./mapPanel");
else void import("./sideBar");
