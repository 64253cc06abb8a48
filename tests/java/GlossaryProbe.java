import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.omegat.core.Core;
import org.omegat.core.data.IProject;
import org.omegat.core.data.ProjectProperties;
import org.omegat.gui.glossary.GlossaryEntry;
import org.omegat.gui.glossary.GlossaryReaderCSV;
import org.omegat.gui.glossary.GlossaryReaderTBX;
import org.omegat.gui.glossary.GlossaryReaderTSV;

/**
 * Reads glossary files with OmegaT's own readers (the ones its glossary pane uses) and prints
 * what they parsed, so a test can check that OmegaT 3.6 understands our TBX/TSV/CSV output.
 *
 * Usage: java -cp OmegaT.jar:DIR GlossaryProbe PROJECT_DIR FILE...
 * PROJECT_DIR holds an omegat.project (zh-CN -> en-US): the TBX reader takes its languages
 * from the current project. Output, one line per entry:
 *   ENTRY <file name> <base64 source> <base64 target> <base64 comment>
 * and one line per file: COUNT <file name> <n>, or ERROR <file name> <message> (exit 2).
 */
public class GlossaryProbe {
    public static void main(String[] args) throws Exception {
        final ProjectProperties props = new ProjectProperties(new File(args[0]));
        props.setSourceLanguage("zh-CN");
        props.setTargetLanguage("en-US");
        InvocationHandler handler = (proxy, method, margs) -> {
            switch (method.getName()) {
                case "getProjectProperties": return props;
                case "isProjectLoaded": return Boolean.TRUE;
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == margs[0];
                case "toString": return "GlossaryProbeProject";
                default: throw new UnsupportedOperationException(method.getName());
            }
        };
        IProject project = (IProject) Proxy.newProxyInstance(IProject.class.getClassLoader(),
                new Class<?>[] {IProject.class}, handler);
        Core.setProject(project);

        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        Base64.Encoder b64 = Base64.getEncoder();
        int status = 0;
        for (int i = 1; i < args.length; i++) {
            File file = new File(args[i]);
            String name = file.getName();
            String lower = name.toLowerCase();
            try {
                List<GlossaryEntry> entries;
                if (lower.endsWith(".tbx")) {
                    entries = GlossaryReaderTBX.read(file, false);
                } else if (lower.endsWith(".csv")) {
                    entries = GlossaryReaderCSV.read(file, false);
                } else {
                    entries = GlossaryReaderTSV.read(file, false);
                }
                for (GlossaryEntry e : entries) {
                    out.println("ENTRY " + name
                            + " " + b64.encodeToString(e.getSrcText().getBytes(StandardCharsets.UTF_8))
                            + " " + b64.encodeToString(e.getLocText().getBytes(StandardCharsets.UTF_8))
                            + " " + b64.encodeToString(e.getCommentText().getBytes(StandardCharsets.UTF_8)));
                }
                out.println("COUNT " + name + " " + entries.size());
            } catch (Throwable t) {
                out.println("ERROR " + name + " " + t.toString().replace('\n', ' '));
                status = 2;
            }
        }
        out.flush();
        System.exit(status);
    }
}
