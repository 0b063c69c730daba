package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/iamsync/iamsync/planfile"
	"github.com/iamsync/iamsync/planner"
)

func newVersionCommand(std *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of iamsync and of its file formats",
		Long: `Version prints iamsync's version, the commit it was built from when the
build recorded one, and the versions of the formats it writes: a plan file made
by one version is applied only by a version that reads the same plan file
format.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(std.out, versionText())
			return nil
		},
	}
}

// versionText describes this build, from what the Go toolchain recorded.
func versionText() string {
	version, revision, modified := "(unknown)", "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		version = info.Main.Version
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	built := ""
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		built = ", commit " + revision
		if modified {
			built += " with local changes"
		}
	}
	return fmt.Sprintf("iamsync %s%s, %s\nplan file format %d, JSON plan format %s",
		version, built, runtime.Version(), planfile.FormatVersion, planner.JSONFormatVersion)
}
