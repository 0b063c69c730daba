package bench

import (
	"fmt"
	"os"
)

// Layout is the arrangement of the blocks and files of a configuration
// that declares a synthetic account.
type Layout string

const (
	// LayoutBlocks declares every entity in a block of its own, as
	// WriteConfig writes it: 3.8 MB of HCL at 10,000 entities.
	LayoutBlocks Layout = "blocks"
	// LayoutData declares each type of entity in one block with for_each
	// over a JSON data file, as WriteDataConfig writes it: 3 KB of HCL and
	// 2.3 MB of JSON at 10,000 entities.
	LayoutData Layout = "data"
)

func (l Layout) check() error {
	switch l {
	case LayoutBlocks, LayoutData:
		return nil
	}
	return fmt.Errorf("invalid configuration layout %q: use %q or %q", string(l), LayoutBlocks, LayoutData)
}

// describe names the layout in progress messages.
func (l Layout) describe() string {
	if l == LayoutData {
		return "for_each over data files"
	}
	return "one block per entity"
}

// dirName is the directory of the layout's configuration next to the state
// file of an account.
func (l Layout) dirName() string {
	if l == LayoutData {
		return "config-data"
	}
	return "config"
}

// write writes the configuration of shape in this layout into dir,
// creating dir.
func (l Layout) write(dir string, shape Shape) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write configuration: %w", err)
	}
	if l == LayoutData {
		return WriteDataConfig(dir, shape)
	}
	return WriteConfig(dir, shape)
}
